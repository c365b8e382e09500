// Fused optimizer updates: one pass over each variable and its slots. The formulas are
// those of keras/src/optimizers/{sgd,adam,rmsprop}.py.
#include <cmath>

#include "backend/cpu/cpu_backend.h"

namespace keras::backend::cpu {

void CpuBackend::sgd_update(Tensor& var, const Tensor& grad, Tensor& momentum, float lr, float mom, bool nesterov) {
  float* w = var.data<float>();
  const float* g = grad.data<float>();
  const int64_t n = var.size();
  if (!momentum.defined()) {
#pragma omp parallel for simd if (n > kParallelThreshold)
    for (int64_t i = 0; i < n; ++i) w[i] -= lr * g[i];
    return;
  }
  float* m = momentum.data<float>();
#pragma omp parallel for simd if (n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i) {
    m[i] = mom * m[i] - lr * g[i];
    w[i] += nesterov ? mom * m[i] - lr * g[i] : m[i];
  }
}

void CpuBackend::adam_update(Tensor& var, const Tensor& grad, Tensor& m_t, Tensor& v_t, Tensor& v_hat_t, float alpha,
                             float b1, float b2, float eps, bool amsgrad) {
  float* w = var.data<float>();
  const float* g = grad.data<float>();
  float* m = m_t.data<float>();
  float* v = v_t.data<float>();
  float* vh = amsgrad ? v_hat_t.data<float>() : nullptr;
  const int64_t n = var.size();
#pragma omp parallel for simd if (n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i) {
    m[i] += (g[i] - m[i]) * (1.f - b1);
    v[i] += (g[i] * g[i] - v[i]) * (1.f - b2);
    float denom = v[i];
    if (vh) denom = vh[i] = std::max(vh[i], v[i]);
    w[i] -= alpha * m[i] / (std::sqrt(denom) + eps);
  }
}

void CpuBackend::rmsprop_update(Tensor& var, const Tensor& grad, Tensor& velocity, Tensor& momentum,
                                Tensor& average_grad, float lr, float rho, float mom, float eps, bool centered) {
  float* w = var.data<float>();
  const float* g = grad.data<float>();
  float* vel = velocity.data<float>();
  float* mo = momentum.defined() ? momentum.data<float>() : nullptr;
  float* ag = centered ? average_grad.data<float>() : nullptr;
  const int64_t n = var.size();
#pragma omp parallel for simd if (n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i) {
    vel[i] = rho * vel[i] + (1.f - rho) * g[i] * g[i];
    float denom = vel[i];
    if (ag) {
      ag[i] = rho * ag[i] + (1.f - rho) * g[i];
      denom -= ag[i] * ag[i];
    }
    const float inc = lr * g[i] / std::sqrt(denom + eps);
    if (mo) {
      mo[i] = mom * mo[i] + inc;
      w[i] -= mo[i];
    } else {
      w[i] -= inc;
    }
  }
}

}  // namespace keras::backend::cpu
