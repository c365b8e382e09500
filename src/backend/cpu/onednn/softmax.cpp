// Softmax and log-softmax on oneDNN's softmax_v2 primitive, over axis 1 of [outer, c, inner].
#include "backend/cpu/onednn/common.h"
#include "backend/cpu/onednn/onednn.h"

namespace keras::backend::cpu::onednn {

namespace {

struct SoftmaxEntry {
  dnnl::memory::desc md;
  dnnl::softmax_v2_forward::primitive_desc fwd_pd;
  dnnl::softmax_v2_forward fwd;
  dnnl::softmax_v2_backward::primitive_desc bwd_pd;
  dnnl::softmax_v2_backward bwd;
  bool bwd_ready = false;
  std::mutex mutex;
};

std::shared_ptr<SoftmaxEntry> entry(int64_t outer, int64_t c, int64_t inner, bool log) {
  static PrimitiveCache<SoftmaxEntry> cache;
  std::string key = std::to_string(outer);
  key += ',';
  key += std::to_string(c);
  key += ',';
  key += std::to_string(inner);
  key += log ? "|log" : "|acc";
  return cache.get(key, [&] {
    auto e = std::make_shared<SoftmaxEntry>();
    e->md = dnnl::memory::desc({outer, c, inner}, dt::f32, tag::abc);
    const auto alg = log ? dnnl::algorithm::softmax_log : dnnl::algorithm::softmax_accurate;
    e->fwd_pd = dnnl::softmax_v2_forward::primitive_desc(
        dnnl::softmax_v2_forward::desc(dnnl::prop_kind::forward_training, alg, e->md, e->md, 1), attr(), engine());
    e->fwd = dnnl::softmax_v2_forward(e->fwd_pd);
    return e;
  });
}

}  // namespace

bool softmax_forward(const Tensor& x, int64_t outer, int64_t c, int64_t inner, bool log, Tensor& y) {
  auto e = entry(outer, c, inner, log);
  execute(e->fwd, e->fwd_pd, {{DNNL_ARG_SRC, wrap(e->md, x)}, {DNNL_ARG_DST, wrap(e->md, y)}});
  return true;
}

bool softmax_backward(const Tensor& y, const Tensor& dy, int64_t outer, int64_t c, int64_t inner, bool log,
                      Tensor& dx) {
  auto e = entry(outer, c, inner, log);
  std::unique_lock<std::mutex> lock(e->mutex);
  if (!e->bwd_ready) {
    const auto alg = log ? dnnl::algorithm::softmax_log : dnnl::algorithm::softmax_accurate;
    dnnl::softmax_v2_backward::desc d(alg, e->md, e->md, e->md, 1);
    e->bwd_pd = dnnl::softmax_v2_backward::primitive_desc(d, attr(), engine(), e->fwd_pd);
    e->bwd = dnnl::softmax_v2_backward(e->bwd_pd);
    e->bwd_ready = true;
  }
  lock.unlock();
  execute(e->bwd, e->bwd_pd,
          {{DNNL_ARG_DST, wrap(e->md, y)}, {DNNL_ARG_DIFF_DST, wrap(e->md, dy)}, {DNNL_ARG_DIFF_SRC, wrap(e->md, dx)}});
  return true;
}

}  // namespace keras::backend::cpu::onednn
