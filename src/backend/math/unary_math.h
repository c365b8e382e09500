// The activations and math functions of UnaryOp, one element at a time: f(x) and its
// derivative. The CPU's plain loops (cpu/ref/unary.cpp) and the CUDA kernels
// (cuda/elementwise.cu) both call these, so the two backends agree element by element.
// Each formula follows keras/src/activations/activations.py.
#pragma once

#include <algorithm>
#include <cmath>

#include "backend/backend.h"
#include "backend/math/host_device.h"

namespace keras::backend::math {

inline constexpr float kSeluAlpha = 1.6732632423543772f;
inline constexpr float kSeluScale = 1.0507009873554805f;
inline constexpr float kSqrt2OverPi = 0.7978845608028654f;
inline constexpr float kInvSqrt2 = 0.7071067811865476f;
inline constexpr float kInvSqrt2Pi = 0.3989422804014327f;

/// 1 / (1 + e^-x), computed so that neither branch overflows.
KERAS_HOST_DEVICE inline float sigmoid(float x) {
  if (x >= 0) return 1.f / (1.f + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.f + e);
}

/// log(1 + e^x) without overflow for large |x|.
KERAS_HOST_DEVICE inline float softplus(float x) { return std::max(x, 0.f) + std::log1p(std::exp(-std::fabs(x))); }

/// Keras's relu(x, negative_slope, max_value, threshold) with alpha = negative_slope,
/// beta = max_value (< 0: none), gamma = threshold.
KERAS_HOST_DEVICE inline float relu_general(float x, const UnaryParams& p) {
  float v = p.gamma != 0.f ? (x > p.gamma ? x : 0.f) : std::max(x, 0.f);
  if (p.beta >= 0.f) v = std::min(std::max(v, 0.f), p.beta);
  if (p.alpha != 0.f) v -= p.alpha * std::max(p.gamma - x, 0.f);
  return v;
}

KERAS_HOST_DEVICE inline float relu_general_grad(float x, const UnaryParams& p) {
  float d = (p.gamma != 0.f ? x > p.gamma : x > 0.f) ? 1.f : 0.f;
  if (p.beta >= 0.f && (x >= p.beta || x <= 0.f)) d = 0.f;
  if (p.alpha != 0.f && p.gamma - x > 0.f) d += p.alpha;
  return d;
}

/// Keras's hard_sigmoid: clip(x / 6 + 1/2, 0, 1).
KERAS_HOST_DEVICE inline float hard_sigmoid(float x) { return std::min(std::max(x / 6.f + 0.5f, 0.f), 1.f); }

/// y = f(x). Called with a constant `op`, the switch folds away (the CPU compiles one
/// loop per op around it).
KERAS_HOST_DEVICE inline float unary_forward(UnaryOp op, const UnaryParams& p, float x) {
  switch (op) {
    case UnaryOp::neg:
      return -x;
    case UnaryOp::abs:
      return std::fabs(x);
    case UnaryOp::square:
      return x * x;
    case UnaryOp::sqrt:
      return std::sqrt(x);
    case UnaryOp::rsqrt:
      return 1.f / std::sqrt(x);
    case UnaryOp::exp:
      return std::exp(x);
    case UnaryOp::log:
      return std::log(x);
    case UnaryOp::reciprocal:
      return 1.f / x;
    case UnaryOp::sign:
      return static_cast<float>((x > 0.f) - (x < 0.f));
    case UnaryOp::relu:
      return relu_general(x, p);
    case UnaryOp::sigmoid:
      return sigmoid(x);
    case UnaryOp::tanh:
      return std::tanh(x);
    case UnaryOp::elu:
      return x > 0.f ? x : p.alpha * std::expm1(x);
    case UnaryOp::selu:
      return kSeluScale * (x > 0.f ? x : kSeluAlpha * std::expm1(x));
    case UnaryOp::softplus:
      return softplus(x);
    case UnaryOp::softsign:
      return x / (1.f + std::fabs(x));
    case UnaryOp::silu:
      return x * sigmoid(x);
    case UnaryOp::gelu:
      if (p.alpha != 0.f) return 0.5f * x * (1.f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
      return 0.5f * x * (1.f + std::erf(x * kInvSqrt2));
    case UnaryOp::hard_sigmoid:
      return hard_sigmoid(x);
    case UnaryOp::hard_silu:
      return x * hard_sigmoid(x);
    case UnaryOp::mish:
      return x * std::tanh(softplus(x));
    case UnaryOp::clip:
      return std::min(std::max(x, p.alpha), p.beta);
    case UnaryOp::log_sigmoid:
      return -softplus(-x);
  }
  return 0.f;
}

/// f'(x). Ops for which unary_grad_uses_output is true read it from y = f(x) instead
/// (x is then whatever the caller has, possibly 0); the others ignore y.
KERAS_HOST_DEVICE inline float unary_derivative(UnaryOp op, const UnaryParams& p, float x, float y) {
  switch (op) {
    case UnaryOp::neg:
      return -1.f;
    case UnaryOp::abs:
      return static_cast<float>((x > 0.f) - (x < 0.f));
    case UnaryOp::square:
      return 2.f * x;
    case UnaryOp::sqrt:
      return 0.5f / y;
    case UnaryOp::rsqrt:
      return -0.5f * y * y * y;
    case UnaryOp::exp:
      return y;
    case UnaryOp::log:
      return 1.f / x;
    case UnaryOp::reciprocal:
      return -y * y;
    case UnaryOp::sign:
      return 0.f;
    case UnaryOp::relu:
      return relu_general_grad(x, p);
    case UnaryOp::sigmoid:
      return y * (1.f - y);
    case UnaryOp::tanh:
      return 1.f - y * y;
    case UnaryOp::elu:
      return x > 0.f ? 1.f : p.alpha * std::exp(x);
    case UnaryOp::selu:
      return kSeluScale * (x > 0.f ? 1.f : kSeluAlpha * std::exp(x));
    case UnaryOp::softplus:
      return sigmoid(x);
    case UnaryOp::softsign: {
      const float d = 1.f + std::fabs(x);
      return 1.f / (d * d);
    }
    case UnaryOp::silu: {
      const float s = sigmoid(x);
      return s * (1.f + x * (1.f - s));
    }
    case UnaryOp::gelu:
      if (p.alpha != 0.f) {
        const float u = kSqrt2OverPi * (x + 0.044715f * x * x * x);
        const float t = std::tanh(u);
        const float du = kSqrt2OverPi * (1.f + 3.f * 0.044715f * x * x);
        return 0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * du;
      } else {
        const float pdf = kInvSqrt2Pi * std::exp(-0.5f * x * x);
        return 0.5f * (1.f + std::erf(x * kInvSqrt2)) + x * pdf;
      }
    case UnaryOp::hard_sigmoid:
      return (x > -3.f && x < 3.f) ? 1.f / 6.f : 0.f;
    case UnaryOp::hard_silu:
      return hard_sigmoid(x) + ((x > -3.f && x < 3.f) ? x / 6.f : 0.f);
    case UnaryOp::mish: {
      const float t = std::tanh(softplus(x));
      return t + x * (1.f - t * t) * sigmoid(x);
    }
    case UnaryOp::clip:
      return (x >= p.alpha && x <= p.beta) ? 1.f : 0.f;
    case UnaryOp::log_sigmoid:
      return 1.f - sigmoid(x);
  }
  return 0.f;
}

}  // namespace keras::backend::math
