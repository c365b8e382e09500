// Reductions and argmax over the middle axis of [outer, axis, inner].
#include <cmath>
#include <limits>

#include "backend/cpu/cpu_backend.h"

namespace keras::backend::cpu {

namespace {

template <class T>
void reduce_typed(ReduceOp op, const T* x, int64_t outer, int64_t r, int64_t inner, T* out) {
  const T init = op == ReduceOp::sum ? T(0)
                 : op == ReduceOp::max ? std::numeric_limits<T>::lowest()
                                       : std::numeric_limits<T>::max();
  const bool big = outer * r * inner > kParallelThreshold;
  if (inner == 1) {
#pragma omp parallel for if (big && outer > 1)
    for (int64_t o = 0; o < outer; ++o) {
      const T* p = x + o * r;
      T acc = init;
      if (op == ReduceOp::sum) {
        // Wider accumulator for long float sums (means of whole data sets).
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (int64_t i = 0; i < r; ++i) s += static_cast<double>(p[i]);
        acc = static_cast<T>(s);
      } else if (op == ReduceOp::max) {
        for (int64_t i = 0; i < r; ++i) acc = p[i] > acc ? p[i] : acc;
      } else {
        for (int64_t i = 0; i < r; ++i) acc = p[i] < acc ? p[i] : acc;
      }
      out[o] = acc;
    }
    return;
  }
  // inner > 1: accumulate whole rows of `inner` values (vectorises along inner).
  const int64_t chunk = 256;
  const int64_t chunks = (inner + chunk - 1) / chunk;
#pragma omp parallel for collapse(2) if (big)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < chunks; ++c) {
      const int64_t j0 = c * chunk, j1 = std::min(inner, j0 + chunk);
      T* po = out + o * inner;
      for (int64_t j = j0; j < j1; ++j) po[j] = init;
      for (int64_t i = 0; i < r; ++i) {
        const T* p = x + (o * r + i) * inner;
        if (op == ReduceOp::sum) {
#pragma omp simd
          for (int64_t j = j0; j < j1; ++j) po[j] += p[j];
        } else if (op == ReduceOp::max) {
          for (int64_t j = j0; j < j1; ++j) po[j] = p[j] > po[j] ? p[j] : po[j];
        } else {
          for (int64_t j = j0; j < j1; ++j) po[j] = p[j] < po[j] ? p[j] : po[j];
        }
      }
    }
  }
}

}  // namespace

void CpuBackend::reduce(ReduceOp op, const Tensor& x, int64_t outer, int64_t reduced, int64_t inner, Tensor& out) {
  switch (x.dtype()) {
    case DType::float32:
      return reduce_typed<float>(op, x.data<float>(), outer, reduced, inner, out.data<float>());
    case DType::float64:
      return reduce_typed<double>(op, x.data<double>(), outer, reduced, inner, out.data<double>());
    case DType::int32:
      return reduce_typed<int32_t>(op, x.data<int32_t>(), outer, reduced, inner, out.data<int32_t>());
    case DType::int64:
      return reduce_typed<int64_t>(op, x.data<int64_t>(), outer, reduced, inner, out.data<int64_t>());
    default:
      throw TypeError(keras::detail::cat("Reductions do not support dtype ", dtype_name(x.dtype())));
  }
}

void CpuBackend::argmax(const Tensor& x, int64_t outer, int64_t r, int64_t inner, Tensor& out) {
  const float* p = x.data<float>();
  int64_t* o = out.data<int64_t>();
#pragma omp parallel for collapse(2) if (outer * r * inner > kParallelThreshold)
  for (int64_t a = 0; a < outer; ++a) {
    for (int64_t c = 0; c < inner; ++c) {
      const float* q = p + a * r * inner + c;
      int64_t best = 0;
      float bv = q[0];
      for (int64_t i = 1; i < r; ++i)
        if (q[i * inner] > bv || (std::isnan(q[i * inner]) && !std::isnan(bv))) bv = q[i * inner], best = i;
      o[a * inner + c] = best;
    }
  }
}

}  // namespace keras::backend::cpu
