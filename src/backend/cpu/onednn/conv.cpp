// Convolution forward and both backwards on oneDNN, channels-last data. The kernel
// stays in Keras's layout in the tensors; oneDNN picks its preferred weights layout
// (format_tag::any) and we reorder into it. A kernel that is a Variable's value is
// reordered once per change, not once per call: its storage tracks writes (see
// Storage::version), and the reordered copy is kept with the version it was made from.
// That makes inference with fixed weights cheap; in training the optimizer changes the
// kernel every step, so there it only saves the second reorder when the forward and the
// backward-data primitives want the same layout. bfloat16 data (mixed precision) runs
// oneDNN's bfloat16 primitives, which accumulate in float32, where the CPU has them
// (CpuBackend::supports). The forward's epilogue (a folded BatchNormalization, a
// residual sum, an activation) is oneDNN post-ops, part of the primitive's key.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "backend/allocation_lifetime.h"
#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/onednn/common.h"
#include "backend/cpu/onednn/onednn.h"
#include "keras/tensor/storage.h"

namespace keras::backend::cpu {

using namespace onednn;

namespace {

std::atomic<uint64_t> kernel_reorders{0};
std::atomic<uint64_t> forward_primitives{0};

/// Keras kernel (*k, in/groups, out) as oneDNN weights (plain or grouped).
dnnl::memory::desc keras_weights_md(const WindowGeometry& g, dt type) {
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
  return dnnl::memory::desc(d, type, t);
}

dnnl::memory::desc any_weights_md(const WindowGeometry& g, dt type) {
  return dnnl::memory::desc(keras_weights_md(g, type).dims(), type, tag::any);
}

/// The shape of a ConvEpilogue (which post-ops), part of the primitive's key.
struct EpilogueKind {
  bool scale = false, shift = false, accumulate = false;
  ConvActivation activation = ConvActivation::none;

  explicit EpilogueKind(const ConvEpilogue& e = {})
      : scale(e.scale.defined()), shift(e.shift.defined()), accumulate(e.accumulate), activation(e.activation) {}
  std::string key() const {
    return std::string(scale ? "s" : "") + (shift ? "t" : "") + (accumulate ? "+" : "") +
           std::to_string(static_cast<int>(activation));
  }
  /// oneDNN's post-ops in ConvEpilogue's order: binary mul, binary add, sum, eltwise.
  dnnl::post_ops post_ops(const dnnl::memory::desc& per_channel) const {
    dnnl::post_ops ops;
    if (scale) ops.append_binary(dnnl::algorithm::binary_mul, per_channel);
    if (shift) ops.append_binary(dnnl::algorithm::binary_add, per_channel);
    if (accumulate) ops.append_sum(1.f);
    switch (activation) {
      case ConvActivation::none:
        break;
      case ConvActivation::relu:
        ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
        break;
      case ConvActivation::relu6:
        ops.append_eltwise(1.f, dnnl::algorithm::eltwise_clip, 0.f, 6.f);
        break;
      case ConvActivation::silu:
        ops.append_eltwise(1.f, dnnl::algorithm::eltwise_swish, 1.f, 0.f);
        break;
      case ConvActivation::sigmoid:
        ops.append_eltwise(1.f, dnnl::algorithm::eltwise_logistic, 0.f, 0.f);
        break;
      case ConvActivation::tanh:
        ops.append_eltwise(1.f, dnnl::algorithm::eltwise_tanh, 0.f, 0.f);
        break;
    }
    return ops;
  }
};

struct ConvEntry {
  WindowGeometry g;
  bool has_bias = false;
  EpilogueKind epilogue;  // post-ops on the forward output
  dt type = dt::f32;  // of every operand: f32 or bf16
  dnnl::memory::desc src_md, dst_md, bias_md, user_w_md;
  dnnl::memory::desc per_channel_md;  // a scale or shift of the epilogue: (1, C, 1...) f32
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

  ConvEntry(const WindowGeometry& geo, bool bias, const EpilogueKind& post, dt data_type)
      : g(geo), has_bias(bias), epilogue(post), type(data_type) {
    src_md = dnnl::memory::desc(data_dims(g, g.in_channels, false), type, channels_last_tag(g.spatial));
    dst_md = dnnl::memory::desc(data_dims(g, g.out_channels, true), type, channels_last_tag(g.spatial));
    bias_md = has_bias ? dnnl::memory::desc({g.out_channels}, type, tag::x) : dnnl::memory::desc();
    user_w_md = keras_weights_md(g, type);
    dims per_channel(static_cast<size_t>(g.spatial) + 2, 1), per_channel_strides(per_channel.size(), g.out_channels);
    per_channel[1] = g.out_channels;
    per_channel_strides[1] = 1;
    per_channel_md = dnnl::memory::desc(per_channel, dt::f32, per_channel_strides);
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
                                                      any_weights_md(g, type), bias_md, dst_md, strides, dilates, pad_l,
                                                      pad_r)
                    : dnnl::convolution_forward::desc(prop, dnnl::algorithm::convolution_direct, src_md,
                                                      any_weights_md(g, type), dst_md, strides, dilates, pad_l, pad_r);
  }

  void ensure_fwd() {
    if (fwd_ready) return;
    dnnl::primitive_attr post;
    post.set_post_ops(epilogue.post_ops(per_channel_md));
    fwd_pd =
        dnnl::convolution_forward::primitive_desc(fwd_desc(dnnl::prop_kind::forward_inference), attr(post), engine());
    fwd = dnnl::convolution_forward(fwd_pd);
    fwd_ready = true;
    forward_primitives.fetch_add(1, std::memory_order_relaxed);
  }
  void ensure_hint() {
    if (hint_pd) return;
    hint_pd = dnnl::convolution_forward::primitive_desc(fwd_desc(dnnl::prop_kind::forward_training), engine());
  }
  void ensure_bwd_data() {
    if (bwd_data_ready) return;
    ensure_hint();
    dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, src_md, any_weights_md(g, type),
                                            dst_md, strides, dilates, pad_l, pad_r);
    bwd_data_pd = dnnl::convolution_backward_data::primitive_desc(d, attr(), engine(), hint_pd);
    bwd_data = dnnl::convolution_backward_data(bwd_data_pd);
    bwd_data_ready = true;
  }
  void ensure_bwd_w() {
    if (bwd_w_ready) return;
    ensure_hint();
    auto d = has_bias ? dnnl::convolution_backward_weights::desc(dnnl::algorithm::convolution_direct, src_md,
                                                                 any_weights_md(g, type), bias_md, dst_md, strides,
                                                                 dilates, pad_l, pad_r)
                      : dnnl::convolution_backward_weights::desc(dnnl::algorithm::convolution_direct, src_md,
                                                                 any_weights_md(g, type), dst_md, strides, dilates,
                                                                 pad_l, pad_r);
    bwd_w_pd = dnnl::convolution_backward_weights::primitive_desc(d, attr(), engine(), hint_pd);
    bwd_w = dnnl::convolution_backward_weights(bwd_w_pd);
    bwd_w_ready = true;
  }
};

PrimitiveCache<ConvEntry>& cache() {
  static PrimitiveCache<ConvEntry> c;
  return c;
}

std::shared_ptr<ConvEntry> entry_for(const WindowGeometry& g, DType dtype, bool has_bias,
                                     const EpilogueKind& epilogue = EpilogueKind()) {
  const dt type = dtype == DType::bfloat16 ? dt::bf16 : dt::f32;
  return cache().get(geometry_key(g) + (has_bias ? "|b" : "|n") + epilogue.key() + (type == dt::bf16 ? "|bf16" : ""),
                     [&] { return std::make_shared<ConvEntry>(g, has_bias, epilogue, type); });
}

/// `kernel` (Keras layout) reordered into `want`, in a new tensor.
Tensor reorder(const Tensor& kernel, const dnnl::memory::desc& user_md, const dnnl::memory::desc& want) {
  Tensor out = Tensor::empty(Shape{static_cast<int64_t>(want.get_size())}, DType::uint8);
  dnnl::memory user(user_md, engine(), kernel.raw_data());
  dnnl::memory m(want, engine(), out.raw_data());
  dnnl::reorder(user, m).execute(stream(), user, m);
  kernel_reorders.fetch_add(1, std::memory_order_relaxed);
  return out;
}

/// Kernels reordered into a primitive's layout, kept while their source is unchanged:
/// one copy per (kernel, layout), shared by every primitive that wants that layout.
class PackedKernels {
 public:
  /// `kernel` (Keras layout `user_md`) in the layout `want`. Only for a kernel whose
  /// storage tracks writes (version() != 0).
  Tensor get(const Tensor& kernel, const dnnl::memory::desc& user_md, const dnnl::memory::desc& want) {
    // Kept across calls, also when made inside a graph's call at inference.
    AllocationLifetimeScope kept(AllocationLifetime::long_lived);
    const std::shared_ptr<Storage>& storage = kernel.impl()->storage;
    const uint64_t version = storage->version();
    const size_t offset = kernel.impl()->byte_offset;
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = by_storage_.find(storage.get()); it != by_storage_.end())
      for (Entry& e : it->second) {
        if (e.source.lock() != storage || e.byte_offset != offset || e.md != want) continue;
        // A new buffer on change, never written in place: a primitive still running on the
        // old copy in another thread keeps its own reference.
        if (e.version != version) e = Entry{storage, offset, version, want, reorder(kernel, user_md, want)};
        return e.packed;
      }
    forget_dead();  // before inserting: may drop this address's entries if their kernel died
    Entry e{storage, offset, version, want, reorder(kernel, user_md, want)};
    by_storage_[storage.get()].push_back(e);
    return e.packed;
  }

 private:
  struct Entry {
    std::weak_ptr<Storage> source;
    size_t byte_offset = 0;
    uint64_t version = 0;
    dnnl::memory::desc md;
    Tensor packed;
  };

  // Drops the copies of kernels that no longer exist (a freed model's).
  void forget_dead() {
    for (auto it = by_storage_.begin(); it != by_storage_.end();) {
      std::erase_if(it->second, [](const Entry& e) { return e.source.expired(); });
      it = it->second.empty() ? by_storage_.erase(it) : std::next(it);
    }
  }

  std::mutex mutex_;
  std::unordered_map<const Storage*, std::vector<Entry>> by_storage_;
};

PackedKernels& packed_kernels() {
  static PackedKernels p;
  return p;
}

/// The Keras-layout kernel as a oneDNN memory in the layout `want`: the kernel itself
/// when the layouts agree, else a reordered copy (kept across calls for a Variable's
/// kernel, see PackedKernels). `holder` keeps the copy alive while the primitive runs.
dnnl::memory weights_in(const ConvEntry& e, const Tensor& kernel, const dnnl::memory::desc& want, Tensor& holder) {
  if (want == e.user_w_md) return dnnl::memory(e.user_w_md, engine(), kernel.raw_data());
  holder = kernel.impl()->storage->version() != 0 ? packed_kernels().get(kernel, e.user_w_md, want)
                                                  : reorder(kernel, e.user_w_md, want);
  return dnnl::memory(want, engine(), holder.raw_data());
}

}  // namespace

uint64_t onednn::kernel_reorder_count() { return kernel_reorders.load(std::memory_order_relaxed); }
uint64_t onednn::conv_forward_primitive_count() { return forward_primitives.load(std::memory_order_relaxed); }

void CpuBackend::conv_forward(const WindowGeometry& g, const Tensor& x, const Tensor& kernel, const Tensor& bias,
                              Tensor& y, const ConvEpilogue& epilogue) {
  auto e = entry_for(g, x.dtype(), bias.defined(), EpilogueKind(epilogue));
  {
    std::lock_guard<std::mutex> lock(e->mutex);
    e->ensure_fwd();
  }
  Tensor scratch;
  dnnl::memory w = weights_in(*e, kernel, e->fwd_pd.weights_desc(), scratch);
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, wrap(e->src_md, x)},
                                             {DNNL_ARG_WEIGHTS, w},
                                             {DNNL_ARG_DST, wrap(e->dst_md, y)}};
  if (bias.defined()) args[DNNL_ARG_BIAS] = wrap(e->bias_md, bias);
  int post_op = 0;  // the binary post-ops' operands, by their index in the list
  for (const Tensor* t : {&epilogue.scale, &epilogue.shift})
    if (t->defined()) args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(post_op++) | DNNL_ARG_SRC_1] = wrap(e->per_channel_md, *t);
  execute(e->fwd, e->fwd_pd, args);
}

bool CpuBackend::prepare_conv_forward(const WindowGeometry& g, DType dtype, bool has_bias,
                                      const ConvEpilogue& epilogue) {
  if (dtype != DType::float32 && !(dtype == DType::bfloat16 && supports(Op::conv_forward, dtype))) return false;
  auto e = entry_for(g, dtype, has_bias, EpilogueKind(epilogue));
  std::lock_guard<std::mutex> lock(e->mutex);
  if (e->fwd_ready) return false;
  e->ensure_fwd();
  return true;
}

void CpuBackend::conv_backward_data(const WindowGeometry& g, const Tensor& dy, const Tensor& kernel, Tensor& dx) {
  auto e = entry_for(g, dy.dtype(), false);
  {
    std::lock_guard<std::mutex> lock(e->mutex);
    e->ensure_bwd_data();
  }
  Tensor scratch;
  dnnl::memory w = weights_in(*e, kernel, e->bwd_data_pd.weights_desc(), scratch);
  execute(e->bwd_data, e->bwd_data_pd,
          {{DNNL_ARG_DIFF_DST, wrap(e->dst_md, dy)}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DIFF_SRC, wrap(e->src_md, dx)}});
}

void CpuBackend::conv_backward_weights(const WindowGeometry& g, const Tensor& x, const Tensor& dy, Tensor& dkernel,
                                       Tensor& dbias) {
  auto e = entry_for(g, x.dtype(), dbias.defined());
  {
    std::lock_guard<std::mutex> lock(e->mutex);
    e->ensure_bwd_w();
  }
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
  execute(e->bwd_w, e->bwd_w_pd, args);
  if (dw != user) dnnl::reorder(dw, user).execute(stream(), dw, user);
  stream().wait();
}

}  // namespace keras::backend::cpu
