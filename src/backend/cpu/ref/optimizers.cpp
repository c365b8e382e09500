// Fused optimizer updates: one pass over each variable and its slots. The formulas are
// those of keras/src/optimizers/{sgd,adam,rmsprop}.py. These passes are memory-bound
// (Adam touches 4 arrays per weight), so they are vectorised and split over the cores.
#include <cmath>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"

namespace keras::backend::cpu {

namespace {

KERAS_SIMD_CLONES void sgd_chunk(float* w, const float* g, float* m, int64_t n, float lr, float mom, bool nesterov) {
  if (!m) {
    for (int64_t i = 0; i < n; ++i) w[i] -= lr * g[i];
  } else if (nesterov) {
    for (int64_t i = 0; i < n; ++i) {
      m[i] = mom * m[i] - lr * g[i];
      w[i] += mom * m[i] - lr * g[i];
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      m[i] = mom * m[i] - lr * g[i];
      w[i] += m[i];
    }
  }
}

KERAS_SIMD_CLONES void adam_chunk(float* w, const float* g, float* m, float* v, float* vh, int64_t n, float alpha,
                                  float b1, float b2, float eps) {
  const float c1 = 1.f - b1, c2 = 1.f - b2;
  if (!vh) {
    for (int64_t i = 0; i < n; ++i) {
      const float gi = g[i];
      const float mi = m[i] + (gi - m[i]) * c1;
      const float vi = v[i] + (gi * gi - v[i]) * c2;
      m[i] = mi;
      v[i] = vi;
      w[i] -= alpha * mi / (std::sqrt(vi) + eps);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      const float gi = g[i];
      const float mi = m[i] + (gi - m[i]) * c1;
      const float vi = v[i] + (gi * gi - v[i]) * c2;
      const float vhi = std::max(vh[i], vi);
      m[i] = mi;
      v[i] = vi;
      vh[i] = vhi;
      w[i] -= alpha * mi / (std::sqrt(vhi) + eps);
    }
  }
}

KERAS_SIMD_CLONES void rmsprop_chunk(float* w, const float* g, float* vel, float* mo, float* ag, int64_t n, float lr,
                                     float rho, float mom, float eps) {
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i];
    const float v = rho * vel[i] + (1.f - rho) * gi * gi;
    vel[i] = v;
    float denom = v;
    if (ag) {
      const float a = rho * ag[i] + (1.f - rho) * gi;
      ag[i] = a;
      denom -= a * a;
    }
    const float inc = lr * gi / std::sqrt(denom + eps);
    if (mo) {
      const float mi = mom * mo[i] + inc;
      mo[i] = mi;
      w[i] -= mi;
    } else {
      w[i] -= inc;
    }
  }
}

}  // namespace

void CpuBackend::sgd_update(Tensor& var, const Tensor& grad, Tensor& momentum, float lr, float mom, bool nesterov) {
  float* w = var.data<float>();
  const float* g = grad.data<float>();
  float* m = momentum.defined() ? momentum.data<float>() : nullptr;
  parallel_for(var.size(), kParallelThreshold,
               [&](int64_t b, int64_t e) { sgd_chunk(w + b, g + b, m ? m + b : nullptr, e - b, lr, mom, nesterov); });
}

void CpuBackend::adam_update(Tensor& var, const Tensor& grad, Tensor& m_t, Tensor& v_t, Tensor& v_hat_t, float alpha,
                             float b1, float b2, float eps, bool amsgrad) {
  float* w = var.data<float>();
  const float* g = grad.data<float>();
  float* m = m_t.data<float>();
  float* v = v_t.data<float>();
  float* vh = amsgrad ? v_hat_t.data<float>() : nullptr;
  parallel_for(var.size(), kParallelThreshold, [&](int64_t b, int64_t e) {
    adam_chunk(w + b, g + b, m + b, v + b, vh ? vh + b : nullptr, e - b, alpha, b1, b2, eps);
  });
}

void CpuBackend::rmsprop_update(Tensor& var, const Tensor& grad, Tensor& velocity, Tensor& momentum,
                                Tensor& average_grad, float lr, float rho, float mom, float eps, bool centered) {
  float* w = var.data<float>();
  const float* g = grad.data<float>();
  float* vel = velocity.data<float>();
  float* mo = momentum.defined() ? momentum.data<float>() : nullptr;
  float* ag = centered ? average_grad.data<float>() : nullptr;
  parallel_for(var.size(), kParallelThreshold, [&](int64_t b, int64_t e) {
    rmsprop_chunk(w + b, g + b, vel + b, mo ? mo + b : nullptr, ag ? ag + b : nullptr, e - b, lr, rho, mom, eps);
  });
}

}  // namespace keras::backend::cpu
