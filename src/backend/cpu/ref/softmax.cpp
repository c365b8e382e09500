// Softmax and log-softmax over the middle axis of [outer, axis, inner], and their
// gradients.
#include <cmath>
#include <limits>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/ref/ref.h"

namespace keras::backend::cpu::ref {

void softmax_forward(const Tensor& x, int64_t outer, int64_t c, int64_t inner, bool log, Tensor& y) {
  const float* px = x.data<float>();
  float* py = y.data<float>();
#pragma omp parallel for collapse(2) if (outer * c * inner > kParallelThreshold)
  for (int64_t a = 0; a < outer; ++a) {
    for (int64_t j = 0; j < inner; ++j) {
      const float* q = px + a * c * inner + j;
      float* r = py + a * c * inner + j;
      float m = -std::numeric_limits<float>::infinity();
      for (int64_t i = 0; i < c; ++i) m = std::max(m, q[i * inner]);
      double s = 0;
      for (int64_t i = 0; i < c; ++i) {
        const float e = std::exp(q[i * inner] - m);
        if (!log) r[i * inner] = e;
        s += e;
      }
      if (log) {
        const float ls = static_cast<float>(std::log(s)) + m;
        for (int64_t i = 0; i < c; ++i) r[i * inner] = q[i * inner] - ls;
      } else {
        const float inv = static_cast<float>(1.0 / s);
        for (int64_t i = 0; i < c; ++i) r[i * inner] *= inv;
      }
    }
  }
}

void softmax_backward(const Tensor& y, const Tensor& dy, int64_t outer, int64_t c, int64_t inner, bool log,
                      Tensor& dx) {
  const float* py = y.data<float>();
  const float* pg = dy.data<float>();
  float* pd = dx.data<float>();
#pragma omp parallel for collapse(2) if (outer * c * inner > kParallelThreshold)
  for (int64_t a = 0; a < outer; ++a) {
    for (int64_t j = 0; j < inner; ++j) {
      const int64_t base = a * c * inner + j;
      double s = 0;
      if (log) {
        // y = log_softmax: dx = dy - softmax * sum(dy)
        for (int64_t i = 0; i < c; ++i) s += pg[base + i * inner];
        for (int64_t i = 0; i < c; ++i)
          pd[base + i * inner] = pg[base + i * inner] - std::exp(py[base + i * inner]) * static_cast<float>(s);
      } else {
        // y = softmax: dx = y * (dy - sum(dy * y))
        for (int64_t i = 0; i < c; ++i) s += pg[base + i * inner] * py[base + i * inner];
        for (int64_t i = 0; i < c; ++i)
          pd[base + i * inner] = py[base + i * inner] * (pg[base + i * inner] - static_cast<float>(s));
      }
    }
  }
}

}  // namespace keras::backend::cpu::ref
