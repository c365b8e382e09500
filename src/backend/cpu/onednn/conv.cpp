// Convolution forward and both backwards on oneDNN, channels-last data. The kernel
// stays in Keras's layout in the tensors; oneDNN picks its preferred weights layout
// (format_tag::any) and we reorder into and out of it, which is cheap next to the
// convolution itself and keeps the rest of the library layout-free.
#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/onednn/common.h"

namespace keras::backend::cpu {

using namespace onednn;

namespace {

/// Keras kernel (*k, in/groups, out) as oneDNN weights (plain or grouped).
dnnl::memory::desc keras_weights_md(const WindowGeometry& g) {
  dims d;
  const int s = g.spatial;
  if (g.groups == 1) {
    d = {g.out_channels, g.in_channels};
  } else {
    d = {g.groups, g.out_channels / g.groups, g.in_channels / g.groups};
  }
  for (int i = 0; i < s; ++i) d.push_back(g.kernel[static_cast<size_t>(i)]);
  tag t;
  if (g.groups == 1) t = s == 1 ? tag::wio : s == 2 ? tag::hwio : tag::dhwio;
  else t = s == 1 ? tag::wigo : s == 2 ? tag::hwigo : tag::dhwigo;
  return dnnl::memory::desc(d, dt::f32, t);
}

dnnl::memory::desc any_weights_md(const WindowGeometry& g) {
  return dnnl::memory::desc(keras_weights_md(g).dims(), dt::f32, tag::any);
}

struct ConvEntry {
  WindowGeometry g;
  bool has_bias = false;
  bool relu = false;  // relu post-op on the forward output
  dnnl::memory::desc src_md, dst_md, bias_md, user_w_md;
  dims strides, dilates, pad_l, pad_r;

  // Built on first use.
  bool fwd_ready = false, bwd_data_ready = false, bwd_w_ready = false;
  dnnl::convolution_forward::primitive_desc fwd_pd, hint_pd;
  dnnl::convolution_forward fwd;
  dnnl::convolution_backward_data::primitive_desc bwd_data_pd;
  dnnl::convolution_backward_data bwd_data;
  dnnl::convolution_backward_weights::primitive_desc bwd_w_pd;
  dnnl::convolution_backward_weights bwd_w;
  std::mutex mutex;

  ConvEntry(const WindowGeometry& geo, bool bias, bool fuse_relu) : g(geo), has_bias(bias), relu(fuse_relu) {
    src_md = dnnl::memory::desc(data_dims(g, g.in_channels, false), dt::f32, channels_last_tag(g.spatial));
    dst_md = dnnl::memory::desc(data_dims(g, g.out_channels, true), dt::f32, channels_last_tag(g.spatial));
    bias_md = has_bias ? dnnl::memory::desc({g.out_channels}, dt::f32, tag::x) : dnnl::memory::desc();
    user_w_md = keras_weights_md(g);
    for (int i = 0; i < g.spatial; ++i) {
      const size_t u = static_cast<size_t>(i);
      strides.push_back(g.stride[u]);
      dilates.push_back(g.dilation[u] - 1);
      pad_l.push_back(g.pad_before[u]);
      pad_r.push_back(g.pad_after[u]);
    }
  }

  dnnl::convolution_forward::desc fwd_desc(dnnl::prop_kind prop) const {
    return has_bias ? dnnl::convolution_forward::desc(prop, dnnl::algorithm::convolution_direct, src_md,
                                                      any_weights_md(g), bias_md, dst_md, strides, dilates, pad_l,
                                                      pad_r)
                    : dnnl::convolution_forward::desc(prop, dnnl::algorithm::convolution_direct, src_md,
                                                      any_weights_md(g), dst_md, strides, dilates, pad_l, pad_r);
  }

  void ensure_fwd() {
    if (fwd_ready) return;
    dnnl::primitive_attr attr;
    if (relu) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
      attr.set_post_ops(ops);
    }
    fwd_pd = dnnl::convolution_forward::primitive_desc(fwd_desc(dnnl::prop_kind::forward_inference), attr, engine());
    fwd = dnnl::convolution_forward(fwd_pd);
    fwd_ready = true;
  }
  void ensure_hint() {
    if (hint_pd) return;
    hint_pd = dnnl::convolution_forward::primitive_desc(fwd_desc(dnnl::prop_kind::forward_training), engine());
  }
  void ensure_bwd_data() {
    if (bwd_data_ready) return;
    ensure_hint();
    dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, src_md, any_weights_md(g), dst_md,
                                            strides, dilates, pad_l, pad_r);
    bwd_data_pd = dnnl::convolution_backward_data::primitive_desc(d, engine(), hint_pd);
    bwd_data = dnnl::convolution_backward_data(bwd_data_pd);
    bwd_data_ready = true;
  }
  void ensure_bwd_w() {
    if (bwd_w_ready) return;
    ensure_hint();
    auto d = has_bias ? dnnl::convolution_backward_weights::desc(dnnl::algorithm::convolution_direct, src_md,
                                                                 any_weights_md(g), bias_md, dst_md, strides, dilates,
                                                                 pad_l, pad_r)
                      : dnnl::convolution_backward_weights::desc(dnnl::algorithm::convolution_direct, src_md,
                                                                 any_weights_md(g), dst_md, strides, dilates, pad_l,
                                                                 pad_r);
    bwd_w_pd = dnnl::convolution_backward_weights::primitive_desc(d, engine(), hint_pd);
    bwd_w = dnnl::convolution_backward_weights(bwd_w_pd);
    bwd_w_ready = true;
  }
};

PrimitiveCache<ConvEntry>& cache() {
  static PrimitiveCache<ConvEntry> c;
  return c;
}

std::shared_ptr<ConvEntry> entry_for(const WindowGeometry& g, bool has_bias, bool relu = false) {
  return cache().get(geometry_key(g) + (has_bias ? "|b" : "|n") + (relu ? "r" : ""),
                     [&] { return std::make_shared<ConvEntry>(g, has_bias, relu); });
}

/// The Keras-layout kernel as a oneDNN memory in the layout `want` (reordered into a
/// scratch tensor when the layouts differ). `scratch` keeps that buffer alive.
dnnl::memory weights_in(const ConvEntry& e, const Tensor& kernel, const dnnl::memory::desc& want, Tensor& scratch) {
  dnnl::memory user(e.user_w_md, engine(), kernel.raw_data());
  if (want == e.user_w_md) return user;
  scratch = Tensor::empty(Shape{static_cast<int64_t>(want.get_size())}, DType::uint8);
  dnnl::memory m(want, engine(), scratch.raw_data());
  dnnl::reorder(user, m).execute(stream(), user, m);
  return m;
}

}  // namespace

void CpuBackend::conv_forward(const WindowGeometry& g, const Tensor& x, const Tensor& kernel, const Tensor& bias,
                              Tensor& y, bool fuse_relu) {
  auto e = entry_for(g, bias.defined(), fuse_relu);
  std::lock_guard<std::mutex> lock(e->mutex);
  e->ensure_fwd();
  Tensor scratch;
  dnnl::memory w = weights_in(*e, kernel, e->fwd_pd.weights_desc(), scratch);
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, wrap(e->src_md, x)},
                                             {DNNL_ARG_WEIGHTS, w},
                                             {DNNL_ARG_DST, wrap(e->dst_md, y)}};
  if (bias.defined()) args[DNNL_ARG_BIAS] = wrap(e->bias_md, bias);
  e->fwd.execute(stream(), args);
  stream().wait();
}

void CpuBackend::conv_backward_data(const WindowGeometry& g, const Tensor& dy, const Tensor& kernel, Tensor& dx) {
  auto e = entry_for(g, false);
  std::lock_guard<std::mutex> lock(e->mutex);
  e->ensure_bwd_data();
  Tensor scratch;
  dnnl::memory w = weights_in(*e, kernel, e->bwd_data_pd.weights_desc(), scratch);
  e->bwd_data.execute(stream(), {{DNNL_ARG_DIFF_DST, wrap(e->dst_md, dy)},
                                 {DNNL_ARG_WEIGHTS, w},
                                 {DNNL_ARG_DIFF_SRC, wrap(e->src_md, dx)}});
  stream().wait();
}

void CpuBackend::conv_backward_weights(const WindowGeometry& g, const Tensor& x, const Tensor& dy, Tensor& dkernel,
                                       Tensor& dbias) {
  auto e = entry_for(g, dbias.defined());
  std::lock_guard<std::mutex> lock(e->mutex);
  e->ensure_bwd_w();
  const auto want = e->bwd_w_pd.diff_weights_desc();
  dnnl::memory user(e->user_w_md, engine(), dkernel.raw_data());
  Tensor scratch;
  dnnl::memory dw = user;
  if (want != e->user_w_md) {
    scratch = Tensor::empty(Shape{static_cast<int64_t>(want.get_size())}, DType::uint8);
    dw = dnnl::memory(want, engine(), scratch.raw_data());
  }
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, wrap(e->src_md, x)},
                                             {DNNL_ARG_DIFF_DST, wrap(e->dst_md, dy)},
                                             {DNNL_ARG_DIFF_WEIGHTS, dw}};
  if (dbias.defined()) args[DNNL_ARG_DIFF_BIAS] = wrap(e->bias_md, dbias);
  e->bwd_w.execute(stream(), args);
  if (dw != user) dnnl::reorder(dw, user).execute(stream(), dw, user);
  stream().wait();
}

}  // namespace keras::backend::cpu
