// The fused optimizer updates for one element: the CPU's vectorised loops
// (cpu/ref/optimizers.cpp) and the CUDA kernels (cuda/elementwise.cu) both call these, so
// the two backends agree element by element. The formulas are those of
// keras/src/optimizers/{sgd,adam,rmsprop}.py; each function returns the new variable
// and updates its slots in place.
#pragma once

#include <algorithm>
#include <cmath>

#include "backend/math/host_device.h"

namespace keras::backend::math {

/// SGD without a momentum slot: var - lr * g.
KERAS_HOST_DEVICE inline float sgd_step(float var, float g, float lr) { return var - lr * g; }

/// SGD with a momentum slot: m = momentum * m - lr * g, then var + m, or with nesterov
/// var + momentum * m - lr * g.
KERAS_HOST_DEVICE inline float sgd_momentum_step(float var, float g, float& m, float lr, float momentum,
                                                 bool nesterov) {
  m = momentum * m - lr * g;
  return nesterov ? var + (momentum * m - lr * g) : var + m;
}

/// Adam: m += (g - m)(1 - beta_1); v += (g^2 - v)(1 - beta_2); var - alpha m / (sqrt(v) +
/// epsilon). alpha already carries the bias corrections (the optimizer computes it once
/// per step).
KERAS_HOST_DEVICE inline float adam_step(float var, float g, float& m, float& v, float alpha, float beta_1,
                                         float beta_2, float epsilon) {
  m = m + (g - m) * (1.f - beta_1);
  v = v + (g * g - v) * (1.f - beta_2);
  return var - alpha * m / (std::sqrt(v) + epsilon);
}

/// Adam with amsgrad: as adam_step, with v_hat = max(v_hat, v) in place of v in the step.
KERAS_HOST_DEVICE inline float amsgrad_step(float var, float g, float& m, float& v, float& v_hat, float alpha,
                                            float beta_1, float beta_2, float epsilon) {
  m = m + (g - m) * (1.f - beta_1);
  v = v + (g * g - v) * (1.f - beta_2);
  v_hat = std::max(v_hat, v);
  return var - alpha * m / (std::sqrt(v_hat) + epsilon);
}

/// RMSprop: velocity = rho velocity + (1 - rho) g^2; when centered (average_grad not
/// null) average_grad = rho average_grad + (1 - rho) g, whose square the denominator
/// loses; increment = lr g / sqrt(denominator + epsilon). With a momentum slot (not null)
/// momentum = momentum_coef momentum + increment is what var loses, else the increment.
/// The optional slots are pointers to this element's value; a caller that passes a
/// constant nullptr (the CPU's loops, one per variant) gets that branch folded away.
KERAS_HOST_DEVICE inline float rmsprop_step(float var, float g, float& velocity, float* momentum, float* average_grad,
                                            float lr, float rho, float momentum_coef, float epsilon) {
  velocity = rho * velocity + (1.f - rho) * g * g;
  float denominator = velocity;
  if (average_grad) {
    *average_grad = rho * *average_grad + (1.f - rho) * g;
    denominator -= *average_grad * *average_grad;
  }
  const float increment = lr * g / std::sqrt(denominator + epsilon);
  if (!momentum) return var - increment;
  *momentum = momentum_coef * *momentum + increment;
  return var - *momentum;
}

}  // namespace keras::backend::math
