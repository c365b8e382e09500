// The Tensor methods and operators that are ops (reshape, slice, astype, arithmetic): they
// live with the ops so that the tensor layer does not depend on the layer above it.
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/tensor/tensor.h"

namespace keras {

Tensor Tensor::reshape(const Shape& shape) const { return ops::reshape(*this, shape); }
Tensor Tensor::slice(int64_t begin, int64_t end) const { return ops::slice_rows(*this, begin, end); }
Tensor Tensor::astype(DType dtype) const { return ops::cast(*this, dtype); }

namespace {
Tensor scalar_like(const Tensor& t, double v) { return Tensor::full(Shape{}, v, t.dtype(), t.device()); }
}  // namespace

Tensor operator+(const Tensor& a, const Tensor& b) { return ops::add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return ops::subtract(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return ops::multiply(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return ops::divide(a, b); }
Tensor operator+(const Tensor& a, double b) { return ops::add(a, scalar_like(a, b)); }
Tensor operator-(const Tensor& a, double b) { return ops::subtract(a, scalar_like(a, b)); }
Tensor operator*(const Tensor& a, double b) { return ops::multiply(a, scalar_like(a, b)); }
Tensor operator/(const Tensor& a, double b) { return ops::divide(a, scalar_like(a, b)); }
Tensor operator+(double a, const Tensor& b) { return ops::add(scalar_like(b, a), b); }
Tensor operator-(double a, const Tensor& b) { return ops::subtract(scalar_like(b, a), b); }
Tensor operator*(double a, const Tensor& b) { return ops::multiply(scalar_like(b, a), b); }
Tensor operator/(double a, const Tensor& b) { return ops::divide(scalar_like(b, a), b); }
Tensor operator-(const Tensor& a) { return ops::negative(a); }

}  // namespace keras
