// Reference memory, fill / cast, elementwise and softmax kernels: one element at a time,
// through the dtype-generic read_as_double / write_from_double where the dtype varies.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/ref/ref.h"
#include "backend/ref/ref_backend.h"

namespace keras::backend::ref {

using keras::detail::cat;
using keras::detail::read_as_double;
using keras::detail::write_from_double;

namespace {

/// Element i of t, as a double.
double get(const Tensor& t, int64_t i) {
  return read_as_double(static_cast<const char*>(t.raw_data()) + static_cast<size_t>(i) * dtype_size(t.dtype()),
                        t.dtype());
}

/// Row-major multi-index of flat index `flat` in `dims`.
std::vector<int64_t> unravel(int64_t flat, const std::vector<int64_t>& dims) {
  std::vector<int64_t> idx(dims.size());
  for (size_t i = dims.size(); i-- > 0;) {
    idx[i] = flat % dims[i];
    flat /= dims[i];
  }
  return idx;
}

/// Flat index into `dims` (right-aligned with `idx`, NumPy broadcasting: size-1 dims read index 0).
int64_t broadcast_offset(const std::vector<int64_t>& idx, const std::vector<int64_t>& dims) {
  const size_t lead = idx.size() - dims.size();
  int64_t off = 0;
  for (size_t i = 0; i < dims.size(); ++i) off = off * dims[i] + (dims[i] == 1 ? 0 : idx[lead + i]);
  return off;
}

/// The op on two values of the operands' type T; the result converted to R (the output's
/// type: T, or uint8 for comparisons). Integer division by zero gives 0, as the CPU does.
template <class T, class R>
R binary_value(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::add: return static_cast<R>(a + b);
    case BinaryOp::sub: return static_cast<R>(a - b);
    case BinaryOp::mul: return static_cast<R>(a * b);
    case BinaryOp::div:
      if constexpr (std::is_integral_v<T>) {
        if (b == 0) return R(0);
      }
      return static_cast<R>(a / b);
    case BinaryOp::max: return static_cast<R>(std::max(a, b));
    case BinaryOp::min: return static_cast<R>(std::min(a, b));
    case BinaryOp::pow: return static_cast<R>(std::pow(a, b));
    case BinaryOp::eq: return static_cast<R>(a == b ? 1 : 0);
    case BinaryOp::ne: return static_cast<R>(a != b ? 1 : 0);
    case BinaryOp::lt: return static_cast<R>(a < b ? 1 : 0);
    case BinaryOp::le: return static_cast<R>(a <= b ? 1 : 0);
    case BinaryOp::gt: return static_cast<R>(a > b ? 1 : 0);
    case BinaryOp::ge: return static_cast<R>(a >= b ? 1 : 0);
  }
  return R(0);
}

template <class T, class R>
void binary_typed(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) {
  const T* pa = static_cast<const T*>(a.raw_data());
  const T* pb = static_cast<const T*>(b.raw_data());
  R* po = static_cast<R*>(out.raw_data());
  const auto& dims = out.shape().dims();
  for (int64_t i = 0; i < out.size(); ++i) {
    const auto idx = unravel(i, dims);
    po[i] = binary_value<T, R>(op, pa[broadcast_offset(idx, a.shape().dims())],
                               pb[broadcast_offset(idx, b.shape().dims())]);
  }
}

template <class T>
void binary_dispatch(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) {
  if (op >= BinaryOp::eq) binary_typed<T, uint8_t>(op, a, b, out);
  else binary_typed<T, T>(op, a, b, out);
}

/// Bool operands: the op on their bytes, and a result that stays a bool (nonzero = true).
void binary_bool(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) {
  binary_dispatch<uint8_t>(op, a, b, out);
  auto* o = static_cast<uint8_t*>(out.raw_data());
  for (int64_t i = 0; i < out.size(); ++i) o[i] = o[i] != 0 ? 1 : 0;
}

}  // namespace

bool RefBackend::supports(Op op, DType dtype) const {
  switch (op) {
    case Op::copy:
    case Op::fill:
    case Op::cast:
    case Op::transpose:
    case Op::take_rows:
    case Op::copy_slab:
    case Op::one_hot:
      return true;
    case Op::binary:
      return dtype == DType::float32 || dtype == DType::float64 || dtype == DType::int32 || dtype == DType::int64 ||
             dtype == DType::uint8 || dtype == DType::bool_;
    case Op::reduce:
      return dtype == DType::float32 || dtype == DType::float64 || dtype == DType::int32 || dtype == DType::int64;
    default:
      return dtype == DType::float32;
  }
}

void* RefBackend::allocate(size_t nbytes) {
  void* p = std::aligned_alloc(64, (std::max<size_t>(nbytes, 1) + 63) / 64 * 64);
  if (!p) throw std::bad_alloc();
  return p;
}

void RefBackend::deallocate(void* ptr, size_t) { std::free(ptr); }

void RefBackend::copy(const Tensor& src, Tensor& dst) {
  if (src.nbytes() != dst.nbytes())
    throw RuntimeError(cat("copy: source of ", src.nbytes(), " bytes, destination of ", dst.nbytes()));
  if (src.dtype() == DType::string || dst.dtype() == DType::string) {
    if (src.dtype() != dst.dtype()) throw TypeError("copy: a string tensor copies only into a string tensor");
    return cpu::copy_elements(src.raw_data(), dst.raw_data(), src.nbytes(), src.dtype());  // by assignment
  }
  const auto* s = static_cast<const unsigned char*>(src.raw_data());
  auto* d = static_cast<unsigned char*>(dst.raw_data());
  for (size_t i = 0; i < src.nbytes(); ++i) d[i] = s[i];
}

void RefBackend::fill(Tensor& dst, double value) {
  const size_t es = dtype_size(dst.dtype());
  for (int64_t i = 0; i < dst.size(); ++i)
    write_from_double(static_cast<char*>(dst.raw_data()) + static_cast<size_t>(i) * es, dst.dtype(), value);
}

void RefBackend::cast(const Tensor& src, Tensor& dst) {
  const size_t es = dtype_size(dst.dtype());
  for (int64_t i = 0; i < src.size(); ++i)
    write_from_double(static_cast<char*>(dst.raw_data()) + static_cast<size_t>(i) * es, dst.dtype(), get(src, i));
}

// The activations' formulas live once, in math/unary_math.h (plain loops after Keras's
// activations.py); the reference shares that loop. What BackendOps checks with it is the
// oneDNN eltwise path the CPU backend takes from 4096 elements on.
void RefBackend::unary(UnaryOp op, const UnaryParams& p, const Tensor& x, Tensor& y) {
  cpu::ref::unary_forward(op, p, x, y);
}

void RefBackend::unary_backward(UnaryOp op, const UnaryParams& p, const Tensor& x, const Tensor& y, const Tensor& dy,
                                Tensor& dx) {
  cpu::ref::unary_backward(op, p, x, y, dy, dx);
}

void RefBackend::binary(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) {
  switch (a.dtype()) {
    case DType::float32: return binary_dispatch<float>(op, a, b, out);
    case DType::float64: return binary_dispatch<double>(op, a, b, out);
    case DType::int32: return binary_dispatch<int32_t>(op, a, b, out);
    case DType::int64: return binary_dispatch<int64_t>(op, a, b, out);
    case DType::uint8: return binary_dispatch<uint8_t>(op, a, b, out);
    case DType::bool_: return binary_bool(op, a, b, out);
    default: throw TypeError(cat("binary: dtype ", dtype_name(a.dtype()), " is not supported"));
  }
}

// Softmax written afresh in double: y_i = exp(x_i - max) / sum_j exp(x_j - max).
void RefBackend::softmax(const Tensor& x, int64_t outer, int64_t c, int64_t inner, bool log, Tensor& y) {
  const float* px = x.data<float>();
  float* py = y.data<float>();
  for (int64_t a = 0; a < outer; ++a) {
    for (int64_t j = 0; j < inner; ++j) {
      auto at = [&](int64_t i) { return (a * c + i) * inner + j; };
      double m = -std::numeric_limits<double>::infinity();
      for (int64_t i = 0; i < c; ++i) m = std::max(m, static_cast<double>(px[at(i)]));
      double s = 0;
      for (int64_t i = 0; i < c; ++i) s += std::exp(px[at(i)] - m);
      for (int64_t i = 0; i < c; ++i) {
        const double z = px[at(i)] - m;
        py[at(i)] = static_cast<float>(log ? z - std::log(s) : std::exp(z) / s);
      }
    }
  }
}

// dx_i = sum_j dy_j * dy_j/dx_i: softmax y_i (dy_i - sum_j dy_j y_j); log-softmax
// dy_i - exp(y_i) sum_j dy_j.
void RefBackend::softmax_backward(const Tensor& y, const Tensor& dy, int64_t outer, int64_t c, int64_t inner,
                                  bool log, Tensor& dx) {
  const float* py = y.data<float>();
  const float* pg = dy.data<float>();
  float* pd = dx.data<float>();
  for (int64_t a = 0; a < outer; ++a) {
    for (int64_t j = 0; j < inner; ++j) {
      auto at = [&](int64_t i) { return (a * c + i) * inner + j; };
      double s = 0;
      for (int64_t i = 0; i < c; ++i) s += log ? static_cast<double>(pg[at(i)]) : static_cast<double>(pg[at(i)]) * py[at(i)];
      for (int64_t i = 0; i < c; ++i)
        pd[at(i)] = static_cast<float>(log ? pg[at(i)] - std::exp(static_cast<double>(py[at(i)])) * s
                                           : py[at(i)] * (pg[at(i)] - s));
    }
  }
}

}  // namespace keras::backend::ref
