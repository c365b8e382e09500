// Elementwise activations on oneDNN's eltwise primitives (JIT, vectorised exp/tanh/erf).
// Ops whose gradient comes from the output use oneDNN's *_use_dst_for_bwd algorithms,
// matching what the op saves for backward (see unary_grad_uses_output).
#include <optional>

#include "backend/cpu/onednn/common.h"
#include "backend/cpu/onednn/onednn.h"

namespace keras::backend::cpu::onednn {

namespace {

struct Mapping {
  dnnl::algorithm alg;
  float alpha = 0.f, beta = 0.f;
};

std::optional<Mapping> map_op(UnaryOp op, const UnaryParams& p) {
  using A = dnnl::algorithm;
  switch (op) {
    case UnaryOp::relu:  // plain or leaky; max_value/threshold forms stay on the reference loop
      if (p.beta < 0.f && p.gamma == 0.f) return Mapping{A::eltwise_relu, p.alpha};
      return std::nullopt;
    case UnaryOp::sigmoid: return Mapping{A::eltwise_logistic_use_dst_for_bwd};
    case UnaryOp::tanh: return Mapping{A::eltwise_tanh_use_dst_for_bwd};
    case UnaryOp::exp: return Mapping{A::eltwise_exp_use_dst_for_bwd};
    case UnaryOp::sqrt: return Mapping{A::eltwise_sqrt_use_dst_for_bwd};
    case UnaryOp::elu: return Mapping{A::eltwise_elu, p.alpha};
    case UnaryOp::gelu: return Mapping{p.alpha != 0.f ? A::eltwise_gelu_tanh : A::eltwise_gelu_erf};
    case UnaryOp::silu: return Mapping{A::eltwise_swish, 1.f};
    case UnaryOp::softplus: return Mapping{A::eltwise_soft_relu};
    case UnaryOp::log: return Mapping{A::eltwise_log};
    case UnaryOp::square: return Mapping{A::eltwise_square};
    case UnaryOp::abs: return Mapping{A::eltwise_abs};
    case UnaryOp::mish: return Mapping{A::eltwise_mish};
    case UnaryOp::hard_silu: return Mapping{A::eltwise_hardswish};
    case UnaryOp::log_sigmoid: return Mapping{A::eltwise_logsigmoid};
    default: return std::nullopt;
  }
}

struct EltwiseEntry {
  dnnl::memory::desc md;
  dnnl::eltwise_forward::primitive_desc fwd_pd;
  dnnl::eltwise_forward fwd;
  dnnl::eltwise_backward::primitive_desc bwd_pd;
  dnnl::eltwise_backward bwd;
  bool bwd_ready = false;
  std::mutex mutex;
};

std::shared_ptr<EltwiseEntry> entry(const Mapping& m, int64_t n) {
  static PrimitiveCache<EltwiseEntry> cache;
  std::string key = std::to_string(static_cast<int>(m.alg));
  key += '|';
  key += std::to_string(m.alpha);
  key += '|';
  key += std::to_string(m.beta);
  key += '|';
  key += std::to_string(n);
  return cache.get(key, [&] {
    auto e = std::make_shared<EltwiseEntry>();
    e->md = dnnl::memory::desc({n}, dt::f32, tag::a);
    e->fwd_pd = dnnl::eltwise_forward::primitive_desc(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, m.alg, e->md, m.alpha, m.beta), attr(),
        engine());
    e->fwd = dnnl::eltwise_forward(e->fwd_pd);
    return e;
  });
}

bool uses_dst(dnnl::algorithm a) {
  using A = dnnl::algorithm;
  return a == A::eltwise_logistic_use_dst_for_bwd || a == A::eltwise_tanh_use_dst_for_bwd ||
         a == A::eltwise_exp_use_dst_for_bwd || a == A::eltwise_sqrt_use_dst_for_bwd;
}

}  // namespace

bool eltwise_forward(UnaryOp op, const UnaryParams& p, const Tensor& x, Tensor& y) {
  const auto m = map_op(op, p);
  if (!m) return false;
  auto e = entry(*m, x.size());
  execute(e->fwd, e->fwd_pd, {{DNNL_ARG_SRC, wrap(e->md, x)}, {DNNL_ARG_DST, wrap(e->md, y)}});
  return true;
}

bool eltwise_backward(UnaryOp op, const UnaryParams& p, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) {
  const auto m = map_op(op, p);
  if (!m) return false;
  const bool dst = uses_dst(m->alg);
  const Tensor& data = dst ? y : x;
  if (!data.defined()) return false;
  auto e = entry(*m, dy.size());
  std::unique_lock<std::mutex> lock(e->mutex);
  if (!e->bwd_ready) {
    dnnl::eltwise_backward::desc d(m->alg, e->md, e->md, m->alpha, m->beta);
    e->bwd_pd = dnnl::eltwise_backward::primitive_desc(d, attr(), engine(), e->fwd_pd);
    e->bwd = dnnl::eltwise_backward(e->bwd_pd);
    e->bwd_ready = true;
  }
  lock.unlock();
  execute(e->bwd, e->bwd_pd,
          {{dst ? DNNL_ARG_DST : DNNL_ARG_SRC, wrap(e->md, data)},
           {DNNL_ARG_DIFF_DST, wrap(e->md, dy)},
           {DNNL_ARG_DIFF_SRC, wrap(e->md, dx)}});
  return true;
}

}  // namespace keras::backend::cpu::onednn
