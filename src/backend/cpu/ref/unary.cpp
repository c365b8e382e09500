// Elementwise activations and math, forward and backward, as plain loops. The formulas
// are in math/unary_math.h, shared with the CUDA kernels.
#include <algorithm>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"
#include "backend/cpu/ref/ref.h"
#include "backend/math/unary_math.h"

namespace keras::backend::cpu::ref {

namespace {

// One kernel per op (the switch in math::unary_forward / unary_derivative folds away),
// compiled for several vector widths; chunks run on the shared pool.
template <UnaryOp Op>
KERAS_SIMD_CLONES void forward_chunk(UnaryParams p, const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = math::unary_forward(Op, p, x[i]);
}

template <UnaryOp Op>
KERAS_SIMD_CLONES void backward_chunk(UnaryParams p, const float* x, const float* y, const float* g, float* out,
                                      int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = g[i] * math::unary_derivative(Op, p, x ? x[i] : 0.f, y ? y[i] : 0.f);
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
