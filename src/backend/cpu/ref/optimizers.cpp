// Fused optimizer updates: one pass over each variable and its slots. The formulas are
// those of keras/src/optimizers/{sgd,adam,rmsprop}.py. These passes are memory-bound
// (Adam touches 4 arrays per weight), so they are vectorised and split over the cores.
#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"
#include "backend/math/optimizer_math.h"

namespace keras::backend::cpu {

namespace {

// The per-element updates are math/optimizer_math.h's (shared with the CUDA kernels).
// Each variant has its own loop, its flags and absent slots constant there, so that
// every loop vectorises.
KERAS_SIMD_CLONES void sgd_chunk(float* w, const float* g, float* m, int64_t n, float lr, float mom, bool nesterov) {
  if (!m) {
    for (int64_t i = 0; i < n; ++i) w[i] = math::sgd_step(w[i], g[i], lr);
  } else if (nesterov) {
    for (int64_t i = 0; i < n; ++i) w[i] = math::sgd_momentum_step(w[i], g[i], m[i], lr, mom, true);
  } else {
    for (int64_t i = 0; i < n; ++i) w[i] = math::sgd_momentum_step(w[i], g[i], m[i], lr, mom, false);
  }
}

KERAS_SIMD_CLONES void adam_chunk(float* w, const float* g, float* m, float* v, float* vh, int64_t n, float alpha,
                                  float b1, float b2, float eps) {
  if (!vh) {
    for (int64_t i = 0; i < n; ++i) w[i] = math::adam_step(w[i], g[i], m[i], v[i], alpha, b1, b2, eps);
  } else {
    for (int64_t i = 0; i < n; ++i) w[i] = math::amsgrad_step(w[i], g[i], m[i], v[i], vh[i], alpha, b1, b2, eps);
  }
}

KERAS_SIMD_CLONES void rmsprop_chunk(float* w, const float* g, float* vel, float* mo, float* ag, int64_t n, float lr,
                                     float rho, float mom, float eps) {
  if (mo && ag) {
    for (int64_t i = 0; i < n; ++i) w[i] = math::rmsprop_step(w[i], g[i], vel[i], mo + i, ag + i, lr, rho, mom, eps);
  } else if (mo) {
    for (int64_t i = 0; i < n; ++i) w[i] = math::rmsprop_step(w[i], g[i], vel[i], mo + i, nullptr, lr, rho, mom, eps);
  } else if (ag) {
    for (int64_t i = 0; i < n; ++i) w[i] = math::rmsprop_step(w[i], g[i], vel[i], nullptr, ag + i, lr, rho, mom, eps);
  } else {
    for (int64_t i = 0; i < n; ++i) w[i] = math::rmsprop_step(w[i], g[i], vel[i], nullptr, nullptr, lr, rho, mom, eps);
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
