// Elementwise arithmetic, reductions and matmul (keras.ops numpy-style ops).
// Binary ops broadcast like NumPy. Reductions take a list of axes (empty = all axes).
#pragma once

#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::ops {

Tensor add(const Tensor& a, const Tensor& b);
Tensor subtract(const Tensor& a, const Tensor& b);
Tensor multiply(const Tensor& a, const Tensor& b);
Tensor divide(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
/// a ** b, elementwise (b broadcast).
Tensor power(const Tensor& a, const Tensor& b);

Tensor negative(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor square(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor rsqrt(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor reciprocal(const Tensor& x);
/// -1, 0 or 1; gradient zero.
Tensor sign(const Tensor& x);
/// min(max(x, low), high); gradient 1 where low <= x <= high.
Tensor clip(const Tensor& x, double low, double high);

// Comparisons: bool results, no gradient.
Tensor equal(const Tensor& a, const Tensor& b);
Tensor not_equal(const Tensor& a, const Tensor& b);
Tensor less(const Tensor& a, const Tensor& b);
Tensor less_equal(const Tensor& a, const Tensor& b);
Tensor greater(const Tensor& a, const Tensor& b);
Tensor greater_equal(const Tensor& a, const Tensor& b);

Tensor sum(const Tensor& x, std::vector<int64_t> axes = {}, bool keepdims = false);
Tensor mean(const Tensor& x, std::vector<int64_t> axes = {}, bool keepdims = false);
Tensor max(const Tensor& x, std::vector<int64_t> axes = {}, bool keepdims = false);
Tensor min(const Tensor& x, std::vector<int64_t> axes = {}, bool keepdims = false);
/// Logical reductions (bool result, no gradient): is any / every element non-zero.
Tensor any(const Tensor& x, std::vector<int64_t> axes = {}, bool keepdims = false);
Tensor all(const Tensor& x, std::vector<int64_t> axes = {}, bool keepdims = false);
/// Index of the largest value along `axis` (int64, no gradient; first one on ties).
Tensor argmax(const Tensor& x, int64_t axis = -1, bool keepdims = false);

/// Matrix product with NumPy matmul rules: 1-D operands are promoted, leading (batch)
/// dimensions broadcast.
Tensor matmul(const Tensor& a, const Tensor& b);

}  // namespace keras::ops
