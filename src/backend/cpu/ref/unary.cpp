// Elementwise activations and math, forward and backward, as plain loops. Each op's
// formula follows keras/src/activations/activations.py.
#include <cmath>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"
#include "backend/cpu/ref/ref.h"

namespace keras::backend::cpu::ref {

namespace {

constexpr float kSeluAlpha = 1.6732632423543772f;
constexpr float kSeluScale = 1.0507009873554805f;
constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kInvSqrt2 = 0.7071067811865476f;

inline float sigmoidf(float x) {
  if (x >= 0) return 1.f / (1.f + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.f + e);
}
inline float softplusf(float x) { return std::max(x, 0.f) + std::log1p(std::exp(-std::fabs(x))); }

// Keras's relu(x, negative_slope, max_value, threshold); p.beta < 0 means no max_value.
inline float relu_general(float x, const UnaryParams& p) {
  float v = p.gamma != 0.f ? (x > p.gamma ? x : 0.f) : std::max(x, 0.f);
  if (p.beta >= 0.f) v = std::min(std::max(v, 0.f), p.beta);
  if (p.alpha != 0.f) v -= p.alpha * std::max(p.gamma - x, 0.f);
  return v;
}
inline float relu_general_grad(float x, const UnaryParams& p) {
  float d = (p.gamma != 0.f ? x > p.gamma : x > 0.f) ? 1.f : 0.f;
  if (p.beta >= 0.f && (x >= p.beta || x <= 0.f)) d = 0.f;
  if (p.alpha != 0.f && p.gamma - x > 0.f) d += p.alpha;
  return d;
}

inline float forward(UnaryOp op, const UnaryParams& p, float x) {
  switch (op) {
    case UnaryOp::neg: return -x;
    case UnaryOp::abs: return std::fabs(x);
    case UnaryOp::square: return x * x;
    case UnaryOp::sqrt: return std::sqrt(x);
    case UnaryOp::rsqrt: return 1.f / std::sqrt(x);
    case UnaryOp::exp: return std::exp(x);
    case UnaryOp::log: return std::log(x);
    case UnaryOp::reciprocal: return 1.f / x;
    case UnaryOp::sign: return static_cast<float>((x > 0.f) - (x < 0.f));
    case UnaryOp::relu: return relu_general(x, p);
    case UnaryOp::sigmoid: return sigmoidf(x);
    case UnaryOp::tanh: return std::tanh(x);
    case UnaryOp::elu: return x > 0.f ? x : p.alpha * std::expm1(x);
    case UnaryOp::selu: return kSeluScale * (x > 0.f ? x : kSeluAlpha * std::expm1(x));
    case UnaryOp::softplus: return softplusf(x);
    case UnaryOp::softsign: return x / (1.f + std::fabs(x));
    case UnaryOp::silu: return x * sigmoidf(x);
    case UnaryOp::gelu:
      if (p.alpha != 0.f) return 0.5f * x * (1.f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
      return 0.5f * x * (1.f + std::erf(x * kInvSqrt2));
    case UnaryOp::hard_sigmoid: return std::min(std::max(x / 6.f + 0.5f, 0.f), 1.f);
    case UnaryOp::hard_silu: return x * std::min(std::max(x / 6.f + 0.5f, 0.f), 1.f);
    case UnaryOp::mish: return x * std::tanh(softplusf(x));
    case UnaryOp::clip: return std::min(std::max(x, p.alpha), p.beta);
    case UnaryOp::log_sigmoid: return -softplusf(-x);
  }
  return 0.f;
}

/// Derivative f'(x) (or, for ops that use the output, from y).
inline float derivative(UnaryOp op, const UnaryParams& p, float x, float y) {
  switch (op) {
    case UnaryOp::neg: return -1.f;
    case UnaryOp::abs: return static_cast<float>((x > 0.f) - (x < 0.f));
    case UnaryOp::square: return 2.f * x;
    case UnaryOp::sqrt: return 0.5f / y;
    case UnaryOp::rsqrt: return -0.5f * y * y * y;
    case UnaryOp::exp: return y;
    case UnaryOp::log: return 1.f / x;
    case UnaryOp::reciprocal: return -y * y;
    case UnaryOp::sign: return 0.f;
    case UnaryOp::relu: return relu_general_grad(x, p);
    case UnaryOp::sigmoid: return y * (1.f - y);
    case UnaryOp::tanh: return 1.f - y * y;
    case UnaryOp::elu: return x > 0.f ? 1.f : p.alpha * std::exp(x);
    case UnaryOp::selu: return kSeluScale * (x > 0.f ? 1.f : kSeluAlpha * std::exp(x));
    case UnaryOp::softplus: return sigmoidf(x);
    case UnaryOp::softsign: {
      const float d = 1.f + std::fabs(x);
      return 1.f / (d * d);
    }
    case UnaryOp::silu: {
      const float s = sigmoidf(x);
      return s * (1.f + x * (1.f - s));
    }
    case UnaryOp::gelu:
      if (p.alpha != 0.f) {
        const float u = kSqrt2OverPi * (x + 0.044715f * x * x * x);
        const float t = std::tanh(u);
        const float du = kSqrt2OverPi * (1.f + 3.f * 0.044715f * x * x);
        return 0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * du;
      } else {
        const float pdf = 0.3989422804014327f * std::exp(-0.5f * x * x);
        return 0.5f * (1.f + std::erf(x * kInvSqrt2)) + x * pdf;
      }
    case UnaryOp::hard_sigmoid: return (x > -3.f && x < 3.f) ? 1.f / 6.f : 0.f;
    case UnaryOp::hard_silu: {
      const float hs = std::min(std::max(x / 6.f + 0.5f, 0.f), 1.f);
      return hs + ((x > -3.f && x < 3.f) ? x / 6.f : 0.f);
    }
    case UnaryOp::mish: {
      const float t = std::tanh(softplusf(x));
      return t + x * (1.f - t * t) * sigmoidf(x);
    }
    case UnaryOp::clip: return (x >= p.alpha && x <= p.beta) ? 1.f : 0.f;
    case UnaryOp::log_sigmoid: return 1.f - sigmoidf(x);
  }
  return 0.f;
}

// One kernel per op (the switch in forward/derivative folds away), compiled for several
// vector widths; chunks run on the shared pool.
template <UnaryOp Op>
KERAS_SIMD_CLONES void forward_chunk(UnaryParams p, const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = forward(Op, p, x[i]);
}

template <UnaryOp Op>
KERAS_SIMD_CLONES void backward_chunk(UnaryParams p, const float* x, const float* y, const float* g, float* out,
                                      int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = g[i] * derivative(Op, p, x ? x[i] : 0.f, y ? y[i] : 0.f);
}

// Plain relu, the hottest of all, written so every load is unconditional (vectorisable).
KERAS_SIMD_CLONES void relu_forward_chunk(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = std::max(x[i], 0.f);
}
KERAS_SIMD_CLONES void relu_backward_chunk(const float* x, const float* g, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i];  // loaded unconditionally, so the select vectorises
    out[i] = x[i] > 0.f ? gi : 0.f;
  }
}

/// Grain: cheap ops only go parallel on big tensors; transcendental ones earlier.
int64_t grain_for(UnaryOp op) {
  switch (op) {
    case UnaryOp::neg: case UnaryOp::abs: case UnaryOp::square: case UnaryOp::relu: case UnaryOp::clip:
    case UnaryOp::sign: case UnaryOp::hard_sigmoid: case UnaryOp::hard_silu:
      return kParallelThreshold;
    default:
      return kParallelThreshold / 8;
  }
}

#define KERAS_FOR_EACH_UNARY_OP(X)                                                                            \
  X(neg) X(abs) X(square) X(sqrt) X(rsqrt) X(exp) X(log) X(reciprocal) X(sign) X(relu) X(sigmoid) X(tanh)    \
  X(elu) X(selu) X(softplus) X(softsign) X(silu) X(gelu) X(hard_sigmoid) X(hard_silu) X(mish) X(clip)       \
  X(log_sigmoid)

bool is_plain_relu(UnaryOp op, const UnaryParams& p) {
  return op == UnaryOp::relu && p.alpha == 0.f && p.beta < 0.f && p.gamma == 0.f;
}

}  // namespace

void unary_forward(UnaryOp op, const UnaryParams& p, const Tensor& x, Tensor& y) {
  const float* xs = x.data<float>();
  float* ys = y.data<float>();
  if (is_plain_relu(op, p)) {
    parallel_for(x.size(), kParallelThreshold, [&](int64_t b, int64_t e) { relu_forward_chunk(xs + b, ys + b, e - b); });
    return;
  }
  parallel_for(x.size(), grain_for(op), [&](int64_t b, int64_t e) {
    switch (op) {
#define KERAS_CASE(name) \
  case UnaryOp::name: return forward_chunk<UnaryOp::name>(p, xs + b, ys + b, e - b);
      KERAS_FOR_EACH_UNARY_OP(KERAS_CASE)
#undef KERAS_CASE
    }
  });
}

void unary_backward(UnaryOp op, const UnaryParams& p, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) {
  const float* xs = x.defined() ? x.data<float>() : nullptr;
  const float* ys = y.defined() ? y.data<float>() : nullptr;
  const float* g = dy.data<float>();
  float* out = dx.data<float>();
  if (is_plain_relu(op, p)) {
    parallel_for(dy.size(), kParallelThreshold,
                 [&](int64_t b, int64_t e) { relu_backward_chunk(xs + b, g + b, out + b, e - b); });
    return;
  }
  parallel_for(dy.size(), grain_for(op), [&](int64_t b, int64_t e) {
    const float* xb = xs ? xs + b : nullptr;
    const float* yb = ys ? ys + b : nullptr;
    switch (op) {
#define KERAS_CASE(name) \
  case UnaryOp::name: return backward_chunk<UnaryOp::name>(p, xb, yb, g + b, out + b, e - b);
      KERAS_FOR_EACH_UNARY_OP(KERAS_CASE)
#undef KERAS_CASE
    }
  });
}

}  // namespace keras::backend::cpu::ref
