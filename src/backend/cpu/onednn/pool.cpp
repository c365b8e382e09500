// Max and average pooling on oneDNN (pooling_v2), channels-last. Max pooling in training
// keeps oneDNN's workspace (where each max came from) for the backward pass; average
// pooling excludes padding, so "same" windows at the edges average only real cells.
#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/onednn/common.h"

namespace keras::backend::cpu {

using namespace onednn;

namespace {

struct PoolEntry {
  dnnl::memory::desc src_md, dst_md;
  dims strides, kernel, dilation, pad_l, pad_r;
  dnnl::algorithm alg;
  dnnl::pooling_v2_forward::primitive_desc inf_pd, train_pd;
  dnnl::pooling_v2_forward inf, train;
  dnnl::pooling_v2_backward::primitive_desc bwd_pd;
  dnnl::pooling_v2_backward bwd;
  bool bwd_ready = false;
  std::mutex mutex;

  PoolEntry(PoolKind kind, const WindowGeometry& g) {
    src_md = dnnl::memory::desc(data_dims(g, g.in_channels, false), dt::f32, channels_last_tag(g.spatial));
    dst_md = dnnl::memory::desc(data_dims(g, g.in_channels, true), dt::f32, channels_last_tag(g.spatial));
    for (int i = 0; i < g.spatial; ++i) {
      const size_t u = static_cast<size_t>(i);
      strides.push_back(g.stride[u]);
      kernel.push_back(g.kernel[u]);
      dilation.push_back(0);
      pad_l.push_back(g.pad_before[u]);
      pad_r.push_back(g.pad_after[u]);
    }
    alg = kind == PoolKind::max ? dnnl::algorithm::pooling_max : dnnl::algorithm::pooling_avg_exclude_padding;
    auto desc = [&](dnnl::prop_kind p) {
      return dnnl::pooling_v2_forward::desc(p, alg, src_md, dst_md, strides, kernel, dilation, pad_l, pad_r);
    };
    inf_pd = dnnl::pooling_v2_forward::primitive_desc(desc(dnnl::prop_kind::forward_inference), attr(), engine());
    inf = dnnl::pooling_v2_forward(inf_pd);
    train_pd = dnnl::pooling_v2_forward::primitive_desc(desc(dnnl::prop_kind::forward_training), attr(), engine());
    train = dnnl::pooling_v2_forward(train_pd);
  }

  void ensure_bwd() {
    if (bwd_ready) return;
    dnnl::pooling_v2_backward::desc d(alg, src_md, dst_md, strides, kernel, dilation, pad_l, pad_r);
    bwd_pd = dnnl::pooling_v2_backward::primitive_desc(d, attr(), engine(), train_pd);
    bwd = dnnl::pooling_v2_backward(bwd_pd);
    bwd_ready = true;
  }
};

struct PoolWorkspace final : Workspace {
  std::shared_ptr<PoolEntry> entry;
  Tensor buffer;  // oneDNN's workspace bytes (max pooling only)
};

PrimitiveCache<PoolEntry>& cache() {
  static PrimitiveCache<PoolEntry> c;
  return c;
}

}  // namespace

std::shared_ptr<Workspace> CpuBackend::pool_forward(PoolKind kind, const WindowGeometry& g, const Tensor& x, Tensor& y,
                                                    bool training) {
  auto e = cache().get(geometry_key(g) + (kind == PoolKind::max ? "|max" : "|avg"),
                       [&] { return std::make_shared<PoolEntry>(kind, g); });
  auto ws = std::make_shared<PoolWorkspace>();
  ws->entry = e;
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, wrap(e->src_md, x)}, {DNNL_ARG_DST, wrap(e->dst_md, y)}};
  if (training) {
    const auto ws_md = e->train_pd.workspace_desc();
    if (ws_md.get_size() > 0) {
      ws->buffer = Tensor::empty(Shape{static_cast<int64_t>(ws_md.get_size())}, DType::uint8);
      args[DNNL_ARG_WORKSPACE] = dnnl::memory(ws_md, engine(), ws->buffer.raw_data());
    }
    execute(e->train, e->train_pd, args);
  } else {
    execute(e->inf, e->inf_pd, args);
  }
  return training ? ws : nullptr;
}

void CpuBackend::pool_backward(PoolKind kind, const WindowGeometry& g, const Tensor& dy, const Workspace* base,
                               Tensor& dx) {
  const auto* ws = dynamic_cast<const PoolWorkspace*>(base);
  if (!ws) throw RuntimeError("internal: pooling backward without its forward workspace");
  auto& e = *ws->entry;
  {
    std::lock_guard<std::mutex> lock(e.mutex);
    e.ensure_bwd();
  }
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_DIFF_DST, wrap(e.dst_md, dy)},
                                             {DNNL_ARG_DIFF_SRC, wrap(e.src_md, dx)}};
  if (ws->buffer.defined())
    args[DNNL_ARG_WORKSPACE] = dnnl::memory(e.train_pd.workspace_desc(), engine(), ws->buffer.raw_data());
  execute(e.bwd, e.bwd_pd, args);
}

}  // namespace keras::backend::cpu
