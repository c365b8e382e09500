#include "keras/layers/convolutional/base_conv.h"

#include "keras/layers/convolutional/conv1d.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/convolutional/conv3d.h"
#include "keras/layers/convolutional/depthwise_conv1d.h"
#include "keras/layers/convolutional/depthwise_conv2d.h"
#include "keras/layers/convolutional/separable_conv1d.h"
#include "keras/layers/convolutional/separable_conv2d.h"
#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/nn.h"
#include "layers/convolutional/conv_internal.h"
#include "ops/fused.h"

namespace keras::layers {

using conv_detail::tuple;
using keras::detail::cat;

BaseConv::BaseConv(std::string class_name, ConvConfig c, const LayerArgs& args)
    : Layer(std::move(class_name), args), config_(std::move(c)) {
  set_activity_regularizer(config_.activity_regularizer);
  const auto& k = config_;
  if (k.kind != ConvKind::depthwise && k.filters <= 0)
    fail(cat("Invalid value for argument `filters`. Expected a strictly positive value. Received filters=", k.filters));
  if (k.depth_multiplier <= 0)
    fail(
        cat("Invalid value for argument `depth_multiplier`. Expected a strictly positive value. Received "
            "depth_multiplier=",
            k.depth_multiplier));
  if (k.groups <= 0) fail(cat("Invalid value for argument `groups`. Expected a positive value. Received groups=", k.groups));
  if (k.kind == ConvKind::standard && k.filters % k.groups != 0)
    fail(cat("The number of filters must be evenly divisible by the number of groups. Received: groups=", k.groups,
             ", filters=", k.filters));
  if (auto e = conv_detail::window_args_error(k.rank, k.kernel_size, k.strides, k.dilation_rate); !e.empty()) fail(e);
  const bool causal_ok = k.rank == 1;
  if (k.padding != "valid" && k.padding != "same" && !(causal_ok && k.padding == "causal"))
    fail(cat("Invalid value for argument `padding`: \"", k.padding, "\". Expected one of \"valid\", \"same\"",
             causal_ok ? ", \"causal\"" : ""));
  if (auto e = conv_detail::data_format_error(k.data_format); !e.empty()) fail(e);
  input_spec_.min_ndim = k.rank + 2;
}

void BaseConv::build(const Shape& input_shape) {
  const int64_t channels = channels_first() ? (input_shape.rank() > 1 ? input_shape[1] : kNone) : input_shape.dim(-1);
  if (channels == kNone) fail("The channel dimension of the inputs should be defined; received " + input_shape.to_string());
  if (config_.kind == ConvKind::standard) {
    if (channels % config_.groups != 0)
      fail(cat("The number of input channels must be evenly divisible by the number of groups. Received groups=",
               config_.groups, ", but the input has ", channels, " channels (full input shape is ",
               input_shape.to_string(), ")."));
    Shape kshape(config_.kernel_size);
    kshape.push_back(channels / config_.groups);
    kshape.push_back(config_.filters);
    kernel_ = add_weight("kernel", kshape, config_.kernel_initializer, true, config_.kernel_regularizer,
                         config_.kernel_constraint);
  } else {
    Shape dshape(config_.kernel_size);
    dshape.push_back(channels);
    dshape.push_back(config_.depth_multiplier);
    // Keras 3 names DepthwiseConv's weight "kernel" and SeparableConv's "depthwise_kernel".
    depthwise_kernel_ =
        add_weight(config_.kind == ConvKind::separable ? "depthwise_kernel" : "kernel", dshape,
                   config_.depthwise_initializer, true, config_.depthwise_regularizer, config_.depthwise_constraint);
    if (config_.kind == ConvKind::separable) {
      Shape pshape(std::vector<int64_t>(static_cast<size_t>(config_.rank), 1));
      pshape.push_back(channels * config_.depth_multiplier);
      pshape.push_back(config_.filters);
      pointwise_kernel_ = add_weight("pointwise_kernel", pshape, config_.pointwise_initializer, true,
                                     config_.pointwise_regularizer, config_.pointwise_constraint);
    }
  }
  const int64_t out_channels = config_.kind == ConvKind::depthwise ? channels * config_.depth_multiplier : config_.filters;
  if (config_.use_bias) bias_ = add_weight("bias", Shape{out_channels}, config_.bias_initializer, true,
                                              config_.bias_regularizer, config_.bias_constraint);
  input_spec_.min_ndim = config_.rank + 2;
  input_spec_.axes = {{channels_first() ? 1 : -1, channels}};
}

Tensor BaseConv::grouped_depthwise_kernel() const {
  // (*k, in, multiplier) and (*k, 1, in * multiplier) are the same bytes: output channel
  // c * multiplier + m, which is what a grouped convolution with groups = in computes.
  Shape s(config_.kernel_size);
  s.push_back(1);
  s.push_back(depthwise_kernel_.shape().dim(-2) * config_.depth_multiplier);
  return ops::reshape(depthwise_kernel_, s);
}

Tensor BaseConv::call(const Tensor& x, const CallContext&) {
  if (!channels_first()) return conv_channels_last(x);
  return conv_detail::to_channels_first(conv_channels_last(conv_detail::to_channels_last(x)));
}

Tensor BaseConv::conv_channels_last(const Tensor& x) const {
  const Tensor bias = config_.use_bias ? bias_.value() : Tensor();
  const bool relu = config_.activation.is_builtin("relu");  // fast path: relu fused into the convolution
  auto conv = [&](const Tensor& in, const Tensor& k, const Tensor& b, const std::vector<int64_t>& strides,
                  const std::string& padding, const std::vector<int64_t>& dilation) {
    return relu ? ops::detail::conv_relu(in, k, b, strides, padding, dilation)
                : config_.activation(ops::conv(in, k, b, strides, padding, dilation));
  };
  switch (config_.kind) {
    case ConvKind::standard:
      return conv(x, kernel_, bias, config_.strides, config_.padding, config_.dilation_rate);
    case ConvKind::depthwise:
      return conv(x, grouped_depthwise_kernel(), bias, config_.strides, config_.padding, config_.dilation_rate);
    case ConvKind::separable: {
      Tensor h = ops::conv(x, grouped_depthwise_kernel(), Tensor(), config_.strides, config_.padding, config_.dilation_rate);
      const std::vector<int64_t> ones(static_cast<size_t>(config_.rank), 1);
      return conv(h, pointwise_kernel_, bias, ones, "valid", ones);
    }
  }
  return x;
}

Shape BaseConv::compute_output_shape(const Shape& input_shape) {
  if (input_shape.rank() != config_.rank + 2)
    fail(cat("Expected an input of rank ", config_.rank + 2, ", got shape ", input_shape.to_string()));
  const Shape s = channels_first() ? conv_detail::to_channels_last(input_shape) : input_shape;
  const int64_t channels = config_.kind == ConvKind::depthwise
                               ? (s.back() == kNone ? kNone : s.back() * config_.depth_multiplier)
                               : config_.filters;
  Shape out = ops::window_output_shape(s, config_.kernel_size, config_.strides, config_.dilation_rate, config_.padding,
                                       channels);
  for (int64_t d : out)
    if (d == 0 && s[0] != 0)
      fail(cat("Computed output size would be negative or zero for input shape ", input_shape.to_string(),
               " with kernel_size=", tuple(config_.kernel_size), ", strides=", tuple(config_.strides),
               ", dilation_rate=", tuple(config_.dilation_rate), " and padding=\"", config_.padding, "\""));
  return channels_first() ? conv_detail::to_channels_first(out) : out;
}

namespace {
/// The config of Conv1D/2D/3D: filters, kernel_size, then the ConvOptions<N> table.
template <size_t N>
Config standard_conv_get_config(const BaseConv& layer, const ConvOptions<N>& options) {
  Config c = layer.Layer::get_config();
  c["filters"] = layer.config().filters;
  c["kernel_size"] = layer.config().kernel_size;
  write_fields(c, options, &layer);
  return c;
}
}  // namespace

Config Conv1D::get_config() const { return standard_conv_get_config(*this, options_); }
Config Conv2D::get_config() const { return standard_conv_get_config(*this, options_); }
Config Conv3D::get_config() const { return standard_conv_get_config(*this, options_); }

template <class Leaf, size_t N>
std::shared_ptr<Layer> standard_conv_from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<Leaf>(r.required<int64_t>("filters"), r.required<SizeN<N>>("kernel_size"),
                                r.options<ConvOptions<N>>());
}

template std::shared_ptr<Layer> standard_conv_from_config<Conv1D, 1>(const Config&);
template std::shared_ptr<Layer> standard_conv_from_config<Conv2D, 2>(const Config&);
template std::shared_ptr<Layer> standard_conv_from_config<Conv3D, 3>(const Config&);

namespace {
/// depth_multiplier and kernel_size first, then the table (which writes depth_multiplier
/// again, in place), as Keras's base_depthwise_conv.get_config orders them.
template <class O>
Config depthwise_conv_get_config(const BaseConv& layer, const O& options) {
  Config c = layer.Layer::get_config();
  c["depth_multiplier"] = options.depth_multiplier;
  c["kernel_size"] = layer.config().kernel_size;
  write_fields(c, options, &layer);
  return c;
}
/// depth_multiplier, filters, kernel_size, then the table (base_separable_conv.get_config).
template <class O>
Config separable_conv_get_config(const BaseConv& layer, const O& options) {
  Config c = layer.Layer::get_config();
  c["depth_multiplier"] = options.depth_multiplier;
  c["filters"] = layer.config().filters;
  c["kernel_size"] = layer.config().kernel_size;
  write_fields(c, options, &layer);
  return c;
}
}  // namespace

Config DepthwiseConv1D::get_config() const { return depthwise_conv_get_config(*this, options_); }
Config DepthwiseConv2D::get_config() const { return depthwise_conv_get_config(*this, options_); }
Config SeparableConv1D::get_config() const { return separable_conv_get_config(*this, options_); }
Config SeparableConv2D::get_config() const { return separable_conv_get_config(*this, options_); }

template <class Leaf, size_t N>
std::shared_ptr<Layer> depthwise_conv_from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<Leaf>(r.required<SizeN<N>>("kernel_size"), r.options<DepthwiseConvOptions<N>>());
}
template <class Leaf, size_t N>
std::shared_ptr<Layer> separable_conv_from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<Leaf>(r.required<int64_t>("filters"), r.required<SizeN<N>>("kernel_size"),
                                r.options<SeparableConvOptions<N>>());
}

template std::shared_ptr<Layer> depthwise_conv_from_config<DepthwiseConv1D, 1>(const Config&);
template std::shared_ptr<Layer> depthwise_conv_from_config<DepthwiseConv2D, 2>(const Config&);
template std::shared_ptr<Layer> separable_conv_from_config<SeparableConv1D, 1>(const Config&);
template std::shared_ptr<Layer> separable_conv_from_config<SeparableConv2D, 2>(const Config&);

}  // namespace keras::layers
