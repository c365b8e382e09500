// Reference random draws and optimizer updates. Random numbers come from the same
// counter-based generator as the CPU kernels (math/counter_rng.h), element by element,
// so every backend that uses it must give the same bits. The updates are Keras's
// formulas (keras/src/optimizers/{sgd,adam,rmsprop}.py) written as they are there, one
// element at a time.
#include <cmath>

#include "backend/math/counter_rng.h"
#include "backend/ref/ref_backend.h"

namespace keras::backend::ref {

void RefBackend::random_uniform(Tensor& out, double low, double high, uint64_t seed) {
  const float lo = static_cast<float>(low), span = static_cast<float>(high - low);
  for (int64_t i = 0; i < out.size(); ++i)
    out.data<float>()[i] = lo + span * rng::unit(rng::mix(seed, static_cast<uint64_t>(i)));
}

void RefBackend::random_normal(Tensor& out, double mean, double stddev, uint64_t seed) {
  for (int64_t i = 0; i < out.size(); ++i)
    out.data<float>()[i] =
        static_cast<float>(mean) + static_cast<float>(stddev) * rng::normal(seed, static_cast<uint64_t>(i));
}

void RefBackend::random_truncated_normal(Tensor& out, double mean, double stddev, uint64_t seed) {
  for (int64_t i = 0; i < out.size(); ++i)
    out.data<float>()[i] =
        static_cast<float>(mean) + static_cast<float>(stddev) * rng::truncated_normal(seed, static_cast<uint64_t>(i));
}

void RefBackend::dropout_mask(Tensor& out, double rate, uint64_t seed) {
  for (int64_t i = 0; i < out.size(); ++i) {
    const bool drop = rng::unit(rng::mix(seed, static_cast<uint64_t>(i))) < static_cast<float>(rate);
    out.data<float>()[i] = drop ? 0.f : static_cast<float>(1.0 / (1.0 - rate));
  }
}

// SGD: with a momentum slot m = momentum * m - lr * g, then var += m, or with nesterov
// var += momentum * m - lr * g; without one var -= lr * g.
void RefBackend::sgd_update(Tensor& var, const Tensor& grad, Tensor& momentum, float lr, float momentum_coef,
                            bool nesterov) {
  for (int64_t i = 0; i < var.size(); ++i) {
    float& w = var.data<float>()[i];
    const float g = grad.data<float>()[i];
    if (!momentum.defined()) {
      w -= lr * g;
      continue;
    }
    float& m = momentum.data<float>()[i];
    m = momentum_coef * m - lr * g;
    if (nesterov) w += momentum_coef * m - lr * g;
    else w += m;
  }
}

// Adam: m += (g - m)(1 - beta_1); v += (g^2 - v)(1 - beta_2); with amsgrad v_hat = max(v_hat, v)
// replaces v in var -= alpha m / (sqrt(v) + epsilon). alpha already carries the bias corrections.
void RefBackend::adam_update(Tensor& var, const Tensor& grad, Tensor& m_t, Tensor& v_t, Tensor& v_hat_t, float alpha,
                             float beta_1, float beta_2, float epsilon, bool amsgrad) {
  for (int64_t i = 0; i < var.size(); ++i) {
    const float g = grad.data<float>()[i];
    float& m = m_t.data<float>()[i];
    float& v = v_t.data<float>()[i];
    m += (g - m) * (1.f - beta_1);
    v += (g * g - v) * (1.f - beta_2);
    float denom = v;
    if (amsgrad) {
      float& v_hat = v_hat_t.data<float>()[i];
      v_hat = std::max(v_hat, v);
      denom = v_hat;
    }
    var.data<float>()[i] -= alpha * m / (std::sqrt(denom) + epsilon);
  }
}

// RMSprop: velocity = rho velocity + (1 - rho) g^2; centered keeps average_grad = rho a + (1 - rho) g
// and subtracts its square; increment = lr g / sqrt(denominator + epsilon); with a momentum slot
// momentum = coef momentum + increment is what var loses.
void RefBackend::rmsprop_update(Tensor& var, const Tensor& grad, Tensor& velocity, Tensor& momentum,
                                Tensor& average_grad, float lr, float rho, float momentum_coef, float epsilon,
                                bool centered) {
  for (int64_t i = 0; i < var.size(); ++i) {
    const float g = grad.data<float>()[i];
    float& vel = velocity.data<float>()[i];
    vel = rho * vel + (1.f - rho) * g * g;
    float denominator = vel;
    if (centered) {
      float& a = average_grad.data<float>()[i];
      a = rho * a + (1.f - rho) * g;
      denominator = vel - a * a;
    }
    const float increment = lr * g / std::sqrt(denominator + epsilon);
    if (momentum.defined()) {
      float& mo = momentum.data<float>()[i];
      mo = momentum_coef * mo + increment;
      var.data<float>()[i] -= mo;
    } else {
      var.data<float>()[i] -= increment;
    }
  }
}

}  // namespace keras::backend::ref
