// Broadcasting binary ops. The shapes are first folded into as few dimensions as
// possible (adjacent dims that broadcast the same way merge), so the common cases
// (same shape, scalar, bias over the last axis) become one or two flat loops.
#include "backend/cpu/cpu_backend.h"
#include "backend/math/binary_math.h"

namespace keras::backend::cpu {

namespace {

/// Output dims with per-operand strides (0 where broadcast), merged where possible.
struct Folded {
  std::vector<int64_t> dims, sa, sb;
};

Folded fold(const Shape& as, const Shape& bs, const Shape& os) {
  const size_t r = os.size();
  std::vector<int64_t> da(r, 1), db(r, 1);
  for (size_t i = 0; i < as.size(); ++i) da[r - as.size() + i] = as[i];
  for (size_t i = 0; i < bs.size(); ++i) db[r - bs.size() + i] = bs[i];
  Folded f;
  for (size_t i = 0; i < r; ++i) {
    if (os[i] == 1) continue;  // size-1 output dims carry nothing
    const bool ba = da[i] == 1, bb = db[i] == 1;
    if (!f.dims.empty()) {
      const bool pa = f.sa.back() == 0, pb = f.sb.back() == 0;
      if (pa == ba && pb == bb) {  // same broadcast pattern: merge into the previous dim
        f.dims.back() *= os[i];
        continue;
      }
    }
    f.dims.push_back(os[i]);
    f.sa.push_back(ba ? 0 : 1);
    f.sb.push_back(bb ? 0 : 1);
  }
  // Turn the 0/1 flags into element strides (row-major, over the folded dims).
  int64_t ra = 1, rb = 1;
  for (size_t i = f.dims.size(); i-- > 0;) {
    if (f.sa[i]) { f.sa[i] = ra; ra *= f.dims[i]; }
    if (f.sb[i]) { f.sb[i] = rb; rb *= f.dims[i]; }
  }
  if (f.dims.empty()) f.dims = {1}, f.sa = {0}, f.sb = {0};
  return f;
}

/// out[j] = f(a[j * ia], b[j * ib]) over one row, each of ia and ib 0 (broadcast) or 1:
/// one loop per pattern so that each vectorises.
template <class T, class R, class F>
void row_loop(const T* pa, const T* pb, R* po, int64_t n, int64_t ia, int64_t ib, F f) {
  if (ia == 1 && ib == 1) {
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) po[j] = static_cast<R>(f(pa[j], pb[j]));
  } else if (ia == 1 && ib == 0) {
    const T vb = *pb;
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) po[j] = static_cast<R>(f(pa[j], vb));
  } else if (ia == 0 && ib == 1) {
    const T va = *pa;
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) po[j] = static_cast<R>(f(va, pb[j]));
  } else {
    for (int64_t j = 0; j < n; ++j) po[j] = static_cast<R>(f(pa[j * ia], pb[j * ib]));
  }
}

template <class T, class R>
void run(BinaryOp op, const T* a, const T* b, R* out, const Folded& f) {
  const size_t nd = f.dims.size();
  const int64_t inner = f.dims[nd - 1], ia = f.sa[nd - 1], ib = f.sb[nd - 1];
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < nd; ++i) rows *= f.dims[i];
  const int64_t total = rows * inner;

  auto row = [&](int64_t r) {
    int64_t oa = 0, ob = 0, rem = r;
    for (size_t i = nd - 1; i-- > 0;) {
      const int64_t idx = rem % f.dims[i];
      rem /= f.dims[i];
      oa += idx * f.sa[i];
      ob += idx * f.sb[i];
    }
    const T* pa = a + oa;
    const T* pb = b + ob;
    R* po = out + r * inner;
    switch (op) {  // the common arithmetic, written out so it vectorises
      case BinaryOp::add: return row_loop<T, R>(pa, pb, po, inner, ia, ib, [](T x, T y) { return x + y; });
      case BinaryOp::sub: return row_loop<T, R>(pa, pb, po, inner, ia, ib, [](T x, T y) { return x - y; });
      case BinaryOp::mul: return row_loop<T, R>(pa, pb, po, inner, ia, ib, [](T x, T y) { return x * y; });
      case BinaryOp::div:
        if constexpr (std::is_floating_point_v<T>)
          return row_loop<T, R>(pa, pb, po, inner, ia, ib, [](T x, T y) { return x / y; });
        break;
      default:
        break;
    }
    for (int64_t j = 0; j < inner; ++j) po[j] = math::binary_apply<T, R>(op, pa[j * ia], pb[j * ib]);
  };

  if (total > kParallelThreshold && rows > 1) {
#pragma omp parallel for
    for (int64_t r = 0; r < rows; ++r) row(r);
  } else if (total > kParallelThreshold && rows == 1) {
    // One long row: split it.
#pragma omp parallel for
    for (int64_t j = 0; j < inner; ++j) out[j] = math::binary_apply<T, R>(op, a[j * ia], b[j * ib]);
  } else {
    for (int64_t r = 0; r < rows; ++r) row(r);
  }
}

template <class T>
void dispatch(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) {
  const Folded f = fold(a.shape(), b.shape(), out.shape());
  if (out.size() == 0) return;
  if (op >= BinaryOp::eq)
    run<T, uint8_t>(op, static_cast<const T*>(a.raw_data()), static_cast<const T*>(b.raw_data()),
                    static_cast<uint8_t*>(out.raw_data()), f);
  else
    run<T, T>(op, static_cast<const T*>(a.raw_data()), static_cast<const T*>(b.raw_data()),
              static_cast<T*>(out.raw_data()), f);
}

}  // namespace

void CpuBackend::binary(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) {
  switch (a.dtype()) {
    case DType::float32: return dispatch<float>(op, a, b, out);
    case DType::float64: return dispatch<double>(op, a, b, out);
    case DType::int32: return dispatch<int32_t>(op, a, b, out);
    case DType::int64: return dispatch<int64_t>(op, a, b, out);
    case DType::uint8: return dispatch<uint8_t>(op, a, b, out);
    case DType::bool_: {
      // Computed on the bytes, then kept a bool (0 or 1): true + true is true, not a
      // byte 2 that equal() would then find unequal to true.
      dispatch<uint8_t>(op, a, b, out);
      uint8_t* o = static_cast<uint8_t*>(out.raw_data());
      for (int64_t i = 0; i < out.size(); ++i) o[i] = o[i] != 0;
      return;
    }
    default:
      throw TypeError(keras::detail::cat("Binary ops do not support dtype ", dtype_name(a.dtype()), " yet"));
  }
}

}  // namespace keras::backend::cpu
