#include "models/inference_fusion.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>
#include <typeinfo>

#include "keras/autograd/gradient_tape.h"
#include "keras/config/config.h"
#include "keras/layers/activations/activation.h"
#include "keras/layers/activations/relu.h"
#include "keras/layers/convolutional/conv1d.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/convolutional/conv3d.h"
#include "keras/layers/convolutional/depthwise_conv1d.h"
#include "keras/layers/convolutional/depthwise_conv2d.h"
#include "keras/layers/convolutional/separable_conv1d.h"
#include "keras/layers/convolutional/separable_conv2d.h"
#include "keras/layers/merging/add.h"
#include "keras/layers/normalization/batch_normalization.h"
#include "keras/layers/regularization/dropout.h"
#include "keras/layers/regularization/gaussian_dropout.h"
#include "keras/layers/regularization/gaussian_noise.h"
#include "keras/layers/regularization/spatial_dropout.h"
#include "keras/layers/reshaping/zero_padding1d.h"
#include "keras/layers/reshaping/zero_padding2d.h"
#include "keras/layers/reshaping/zero_padding3d.h"
#include "keras/ops/core.h"
#include "keras/ops/nn.h"
#include "ops/fused.h"

namespace keras::models::fusion {

namespace {

std::atomic<size_t> g_fused_runs{0};
std::atomic<size_t> g_prepared_calls{0};

template <class... L>
bool is_exactly(const layers::Layer& layer) {
  return ((typeid(layer) == typeid(L)) || ...);
}

/// The convolution layer of a chain's first step, or null.
const layers::BaseConv* as_conv(const layers::Layer& layer) {
  if (!is_exactly<layers::Conv1D, layers::Conv2D, layers::Conv3D, layers::DepthwiseConv1D, layers::DepthwiseConv2D,
                  layers::SeparableConv1D, layers::SeparableConv2D>(layer))
    return nullptr;
  const auto& conv = static_cast<const layers::BaseConv&>(layer);
  const layers::ConvConfig& c = conv.config();
  return c.data_format == "channels_last" && c.activation.is_linear() ? &conv : nullptr;
}

/// The ZeroPadding layer of a chain's first step, when the convolution `conv` can take
/// its zeros as its own padding (a "valid" standard or depthwise convolution, no more
/// zeros on a side than its window spans past one cell), or null.
const layers::BaseSpatialEdges* as_padding_for(const layers::Layer& layer, const layers::BaseConv& conv) {
  if (!is_exactly<layers::ZeroPadding1D, layers::ZeroPadding2D, layers::ZeroPadding3D>(layer)) return nullptr;
  const auto& pad = static_cast<const layers::BaseSpatialEdges&>(layer);
  const layers::ConvConfig& c = conv.config();
  if (c.padding != "valid" || c.kind == layers::ConvKind::separable || !pad.pads() ||
      static_cast<int>(pad.sides().size()) != c.rank)
    return nullptr;
  for (size_t u = 0; u < pad.sides().size(); ++u) {
    const int64_t span = (c.kernel_size[u] - 1) * c.dilation_rate[u];
    if (pad.sides()[u][0] > span || pad.sides()[u][1] > span) return nullptr;
  }
  return &pad;
}

/// A layer that returns its input at inference (a chain passes over it).
bool is_identity_at_inference(const layers::Layer& layer) {
  return is_exactly<layers::Dropout, layers::SpatialDropout1D, layers::SpatialDropout2D, layers::SpatialDropout3D,
                    layers::GaussianDropout, layers::GaussianNoise>(layer);
}

bool is_norm_over_channels(const layers::Layer& layer, int rank) {
  if (!is_exactly<layers::BatchNormalization>(layer)) return false;
  const int64_t axis = static_cast<const layers::BatchNormalization&>(layer).options().axis;
  return axis == -1 || axis == rank - 1;
}

/// The epilogue activation a layer stands for, or nullopt.
std::optional<backend::ConvActivation> activation_of(const layers::Layer& layer) {
  using backend::ConvActivation;
  if (is_exactly<layers::Activation>(layer)) {
    const activations::Activation& a = static_cast<const layers::Activation&>(layer).activation();
    if (a.is_builtin("relu")) return ConvActivation::relu;
    if (a.is_builtin("relu6")) return ConvActivation::relu6;
    if (a.is_builtin("silu")) return ConvActivation::silu;
    if (a.is_builtin("sigmoid")) return ConvActivation::sigmoid;
    if (a.is_builtin("tanh")) return ConvActivation::tanh;
    return std::nullopt;
  }
  if (is_exactly<layers::ReLU>(layer)) {
    const layers::ReLUOptions& o = static_cast<const layers::ReLU&>(layer).options();
    if (o.negative_slope != 0.0 || o.threshold != 0.0) return std::nullopt;
    if (!o.max_value) return ConvActivation::relu;
    if (*o.max_value == 6.0) return ConvActivation::relu6;
  }
  return std::nullopt;
}

const Variable* weight_named(const layers::Layer& layer, const std::string& name) {
  for (const Variable& v : layer.own_weights())
    if (v.name() == name) return &v;
  return nullptr;
}

/// A layer the fused kernel may stand in for on this call: built, computing in `dtype`
/// (float32, or bfloat16 under a mixed policy), float variables, and no activity
/// regularizer (whose penalty evaluate() would collect).
bool runs_plain(const layers::Layer& layer, DType dtype) {
  return layer.built() && layer.compute_dtype() == dtype && is_floating(layer.dtype()) && !layer.activity_regularizer();
}

/// `t` on the host in float32 (the BatchNormalization's variables are small).
Tensor host_float32(const Tensor& t) {
  const Tensor h = t.device().is_cpu() ? t : t.to(Device::cpu());
  return h.dtype() == DType::float32 ? h : h.astype(DType::float32);
}

/// BatchNormalization at inference as y = x * scale + shift, per channel:
/// scale = gamma / sqrt(moving_variance + epsilon), shift = beta - moving_mean * scale.
std::pair<Tensor, Tensor> folded_norm(const layers::BatchNormalization& norm, Device device) {
  const layers::BatchNormalizationOptions& o = norm.options();
  const Tensor mean = host_float32(norm.moving_mean().value());
  const Tensor variance = host_float32(norm.moving_variance().value());
  const Variable* gamma = o.scale ? weight_named(norm, "gamma") : nullptr;
  const Variable* beta = o.center ? weight_named(norm, "beta") : nullptr;
  const Tensor g = gamma ? host_float32(gamma->value()) : Tensor(), b = beta ? host_float32(beta->value()) : Tensor();
  const int64_t n = mean.size();
  Tensor scale = Tensor::empty(Shape{n}, DType::float32), shift = Tensor::empty(Shape{n}, DType::float32);
  const float* pm = mean.data<float>();
  const float* pv = variance.data<float>();
  float* ps = scale.data<float>();
  float* pt = shift.data<float>();
  for (int64_t c = 0; c < n; ++c) {
    const double s = (g.defined() ? g.data<float>()[c] : 1.0) / std::sqrt(static_cast<double>(pv[c]) + o.epsilon);
    ps[c] = static_cast<float>(s);
    pt[c] = static_cast<float>((b.defined() ? b.data<float>()[c] : 0.0) - pm[c] * s);
  }
  if (device.is_cpu()) return {scale, shift};
  return {scale.to(device), shift.to(device)};
}

}  // namespace

std::vector<size_t> ConvChain::absorbed() const {
  std::vector<size_t> out;
  if (pad) out.push_back(conv);
  for (const auto& s : {norm, add, activation})
    if (s) out.push_back(*s);
  out.insert(out.end(), identities.begin(), identities.end());
  return out;
}

std::vector<std::optional<ConvChain>> plan(const std::vector<StepView>& steps, int num_slots,
                                           const std::vector<int>& pinned_slots) {
  const size_t none = steps.size();
  std::vector<std::vector<size_t>> readers(static_cast<size_t>(num_slots));
  std::vector<size_t> producer(static_cast<size_t>(num_slots), none);
  std::vector<bool> pinned(static_cast<size_t>(num_slots), false);
  for (int s : pinned_slots) pinned[static_cast<size_t>(s)] = true;
  for (size_t i = 0; i < steps.size(); ++i) {
    for (int s : *steps[i].in_slots) readers[static_cast<size_t>(s)].push_back(i);
    for (int s : steps[i].other_reads) readers[static_cast<size_t>(s)].push_back(i);
    for (int s : *steps[i].out_slots) producer[static_cast<size_t>(s)] = i;
  }
  // The plain one-input one-output step that alone reads `slot`, or nullopt.
  auto sole_reader = [&](int slot) -> std::optional<size_t> {
    const auto& r = readers[static_cast<size_t>(slot)];
    if (pinned[static_cast<size_t>(slot)] || r.size() != 1 || !steps[r[0]].plain || steps[r[0]].out_slots->size() != 1)
      return std::nullopt;
    return r[0];
  };

  // The chain of the convolution at step i, starting at `pad` when given.
  auto chain_of = [&](size_t i, const layers::BaseConv* conv, std::optional<size_t> pad) -> std::optional<ConvChain> {
    ConvChain chain;
    chain.conv = i;
    chain.pad = pad;
    const size_t start = chain.first();
    int slot = -1;
    std::optional<size_t> next;
    // Moves past step n, and past the identities (at inference) that follow it.
    auto advance = [&](size_t n) {
      slot = steps[n].out_slots->front();
      next = sole_reader(slot);
      while (next && steps[*next].in_slots->size() == 1 && is_identity_at_inference(*steps[*next].layer)) {
        chain.identities.push_back(*next);
        slot = steps[*next].out_slots->front();
        next = sole_reader(slot);
      }
    };
    advance(i);
    if (next && steps[*next].in_slots->size() == 1 &&
        is_norm_over_channels(*steps[*next].layer, conv->config().rank + 2)) {
      chain.norm = *next;
      advance(*next);
    }
    if (next && is_exactly<layers::Add>(*steps[*next].layer) && steps[*next].in_slots->size() == 2) {
      const std::vector<int>& in = *steps[*next].in_slots;
      const int other = in[0] == slot ? in[1] : in[0];
      const size_t made = producer[static_cast<size_t>(other)];
      if (other != slot && (made == none || made < start)) {  // none: a model input
        chain.add = *next;
        chain.residual_slot = other;
        chain.residual_read_only_here = !pinned[static_cast<size_t>(other)];
        for (size_t r : readers[static_cast<size_t>(other)])  // the convolution itself reads it too: not in place
          if (r != *next && r >= start) chain.residual_read_only_here = false;
        advance(*next);
      }
    }
    if (next && steps[*next].in_slots->size() == 1) {
      if (const auto act = activation_of(*steps[*next].layer)) {
        chain.activation = *next;
        chain.act = *act;
        advance(*next);
      }
    }
    if (chain.absorbed().empty()) return std::nullopt;
    chain.out_slot = slot;
    return chain;
  };

  std::vector<std::optional<ConvChain>> chains(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepView& step = steps[i];
    const layers::BaseConv* conv = as_conv(*step.layer);
    if (!conv || !step.plain || step.in_slots->size() != 1 || step.out_slots->size() != 1) continue;
    chains[i] = chain_of(i, conv, std::nullopt);
    // A ZeroPadding whose output only this convolution reads: a chain starts there too.
    // When it steps aside at run time (a channels_first ZeroPadding), the padding runs
    // alone and the chain from the convolution still runs fused.
    const size_t padded_by = producer[static_cast<size_t>(step.in_slots->front())];
    if (padded_by != none && sole_reader(step.in_slots->front()) == i && steps[padded_by].plain &&
        steps[padded_by].in_slots->size() == 1 && as_padding_for(*steps[padded_by].layer, *conv))
      chains[padded_by] = chain_of(i, conv, padded_by);
  }
  return chains;
}

namespace {

/// A chain's convolution as it will run for an input of one shape and dtype: what run()
/// and prepare() both need, and the checks that depend on nothing else.
struct FusedConv {
  layers::BaseConv* conv = nullptr;
  DType dtype = DType::float32;  // the convolution's compute dtype (x is cast to it)
  ops::detail::SpatialZeros zeros;
  Shape out_shape;
  const Variable *kernel = nullptr, *bias = nullptr, *pointwise = nullptr;
};

std::optional<FusedConv> describe(const ConvChain& chain, const std::vector<StepView>& steps, const Shape& x_shape,
                                  DType x_dtype) {
  FusedConv f;
  f.conv = static_cast<layers::BaseConv*>(steps[chain.conv].layer);
  const layers::BaseConv& conv = *f.conv;
  f.dtype = conv.compute_dtype();
  if ((f.dtype != DType::float32 && f.dtype != DType::bfloat16) || !is_floating(x_dtype) ||
      (x_dtype != f.dtype && !conv.autocasts_inputs()))
    return std::nullopt;
  if (!runs_plain(conv, f.dtype) || x_shape.rank() != conv.config().rank + 2) return std::nullopt;
  for (size_t s : chain.absorbed())
    if (!runs_plain(*steps[s].layer, f.dtype)) return std::nullopt;
  // The ZeroPadding's zeros become the convolution's padding. Its sides are on the
  // spatial axes of a channels-last input when its output shape says so (with
  // channels_first they would land on other axes: then it runs on its own).
  Shape conv_in_shape = x_shape;
  if (chain.pad) {
    auto& pad = static_cast<layers::BaseSpatialEdges&>(*steps[*chain.pad].layer);
    if (!runs_plain(pad, f.dtype)) return std::nullopt;
    f.zeros = pad.sides();
    for (size_t u = 0; u < f.zeros.size(); ++u) conv_in_shape[u + 1] += f.zeros[u][0] + f.zeros[u][1];
    if (pad.compute_output_shape(x_shape) != conv_in_shape) return std::nullopt;
  }
  const layers::ConvConfig& c = conv.config();
  f.bias = c.use_bias ? weight_named(conv, "bias") : nullptr;
  const bool separable = c.kind == layers::ConvKind::separable;
  f.kernel = weight_named(conv, separable ? "depthwise_kernel" : "kernel");
  f.pointwise = separable ? weight_named(conv, "pointwise_kernel") : nullptr;
  if (!f.kernel || (separable && !f.pointwise) || (c.use_bias && !f.bias)) return std::nullopt;
  // The channels the layer was built for (its call would refuse others; the convolution
  // op would take a multiple of them as groups).
  const int64_t built_for =
      c.kind == layers::ConvKind::standard ? f.kernel->shape().dim(-2) * c.groups : f.kernel->shape().dim(-2);
  if (x_shape.back() != built_for) return std::nullopt;
  f.out_shape = f.conv->compute_output_shape(conv_in_shape);
  return f;
}

/// The kernel's shape as the convolution op takes it: a depthwise (*k, in, multiplier)
/// kernel is the grouped kernel (*k, 1, in * multiplier), the same bytes.
Shape op_kernel_shape(const FusedConv& f) {
  const layers::ConvConfig& c = f.conv->config();
  if (c.kind == layers::ConvKind::standard) return f.kernel->shape();
  Shape grouped(c.kernel_size);
  grouped.push_back(1);
  grouped.push_back(f.kernel->shape().dim(-2) * c.depth_multiplier);
  return grouped;
}

Tensor op_kernel(const FusedConv& f) {
  const Tensor& k = f.kernel->value();
  return f.conv->config().kind == layers::ConvKind::standard ? k : ops::reshape(k, op_kernel_shape(f));
}

}  // namespace

std::optional<Tensor> run(const ConvChain& chain, const std::vector<StepView>& steps, const Tensor& x_in,
                          Tensor& residual) {
  if (autograd::is_recording() || !x_in.defined() || x_in.keras_mask().defined()) return std::nullopt;
  const std::optional<FusedConv> f = describe(chain, steps, x_in.shape(), x_in.dtype());
  if (!f) return std::nullopt;
  const DType dtype = f->dtype;
  // As Layer::operator() does: a floating input in another dtype is cast to the compute
  // dtype (a mixed model's float32 input reaching its first convolution).
  const Tensor x = x_in.dtype() == dtype ? x_in : ops::cast(x_in, dtype);
  if (chain.add) {
    // Add broadcasts; the epilogue adds a tensor of the output's own shape only.
    if (!residual.defined() || !is_floating(residual.dtype()) || residual.keras_mask().defined() ||
        residual.shape() != f->out_shape || residual.device() != x.device())
      return std::nullopt;
    if (residual.dtype() != dtype) residual = ops::cast(residual, dtype);  // Add's autocast
  }

  Tensor scale, shift;
  if (chain.norm) {
    // The statistics as stored, in float32, as Keras's BatchNormalization computes under
    // a mixed policy (the epilogue applies them in float32 before rounding once).
    AutocastScope as_stored(std::nullopt);
    std::tie(scale, shift) =
        folded_norm(static_cast<const layers::BatchNormalization&>(*steps[*chain.norm].layer), x.device());
  }
  // The convolution's variables in the compute dtype, as the layer's own call reads them
  // (also inside an outer layer's scope of another dtype).
  AutocastScope compute(x.dtype());
  const layers::ConvConfig& c = f->conv->config();
  const Tensor b = f->bias ? f->bias->value() : Tensor();
  Tensor in = x, kernel = op_kernel(*f);
  std::vector<int64_t> strides = c.strides, dilation = c.dilation_rate;
  std::string padding = c.padding;
  if (f->pointwise) {  // separable: the depthwise pass alone, then the pointwise one fused
    in = ops::conv(x, kernel, Tensor(), strides, padding, dilation);
    kernel = f->pointwise->value();
    strides = dilation = std::vector<int64_t>(static_cast<size_t>(c.rank), 1);
    padding = "valid";
  }
  Tensor y = ops::detail::conv_fused(in, kernel, b, strides, padding, dilation, scale, shift, std::move(residual),
                                     chain.act, f->zeros);
  g_fused_runs.fetch_add(1, std::memory_order_relaxed);
  return y;
}

bool prepare(const ConvChain& chain, const std::vector<StepView>& steps, const Shape& x_shape, DType x_dtype) {
  if (autograd::is_recording()) return false;
  const std::optional<FusedConv> f = describe(chain, steps, x_shape, x_dtype);
  if (!f || f->pointwise) return false;  // a separable convolution makes its two when it runs
  const layers::ConvConfig& c = f->conv->config();
  return ops::detail::prepare_conv_fused(f->kernel->device(), x_shape, f->dtype, op_kernel_shape(*f),
                                         f->bias != nullptr, c.strides, c.padding, c.dilation_rate,
                                         chain.norm.has_value(), chain.add.has_value(), chain.act, f->zeros);
}

bool prepare_all(const std::vector<std::optional<ConvChain>>& chains, const std::vector<StepView>& steps,
                 const ChainInput& input_of) {
  std::vector<std::pair<const ConvChain*, std::pair<Shape, DType>>> todo;
  for (size_t n = 0; n < chains.size(); ++n)
    if (chains[n])
      if (auto in = input_of(n)) {
        todo.emplace_back(&*chains[n], std::move(*in));
        break;
      }
  if (todo.empty()) return false;
  try {
    if (!prepare(*todo[0].first, steps, todo[0].second.first, todo[0].second.second)) return false;  // not a first call
  } catch (const std::exception&) {  // the call reports what is wrong when it gets there
    return false;
  }
  for (size_t n = 0; n < chains.size(); ++n)
    if (chains[n] && &*chains[n] != todo[0].first)
      if (auto in = input_of(n)) todo.emplace_back(&*chains[n], std::move(*in));
  // This thread and up to config::num_threads() - 1 others take the chains in turn.
  std::atomic<size_t> next{1};
  auto work = [&] {
    for (size_t i = next++; i < todo.size(); i = next++) {
      try {
        prepare(*todo[i].first, steps, todo[i].second.first, todo[i].second.second);
      } catch (...) {  // the call reports what is wrong when it gets there
      }
    }
  };
  const int threads = config::num_threads();
  const size_t helpers = std::min<size_t>(static_cast<size_t>(std::max(threads, 1) - 1), todo.size() / 2);
  std::vector<std::thread> pool;
  pool.reserve(helpers);
  try {
    for (size_t i = 0; i < helpers; ++i)
      pool.emplace_back([&] {
        // oneDNN fits a primitive to the threads of the thread that creates it: the caller's.
        config::set_num_threads(threads);
        work();
      });
  } catch (...) {  // no more threads to be had (std::system_error): fewer helpers
  }
  work();
  for (std::thread& t : pool) t.join();
  g_prepared_calls.fetch_add(1, std::memory_order_relaxed);
  return true;
}

size_t prepared_calls() { return g_prepared_calls.load(std::memory_order_relaxed); }

size_t fused_runs() { return g_fused_runs.load(std::memory_order_relaxed); }

}  // namespace keras::models::fusion
