#include "keras/layers/convolutional/base_conv.h"

#include "keras/layers/convolutional/conv1d.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/convolutional/conv3d.h"
#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"

#include "keras/ops/nn.h"
#include "ops/fused.h"

namespace keras::layers {

using keras::detail::cat;

namespace {
std::string tuple(const std::vector<int64_t>& v) { return Shape(v).to_string(); }
}  // namespace

BaseConv::BaseConv(std::string class_name, ConvConfig c, const LayerArgs& args)
    : Layer(std::move(class_name), args), config_(std::move(c)) {
  set_activity_regularizer(config_.activity_regularizer);
  const auto& k = config_;
  if (k.kind != ConvKind::depthwise && k.filters <= 0)
    fail(cat("Invalid value for argument `filters`. Expected a strictly positive value. Received filters=", k.filters));
  if (k.depth_multiplier <= 0)
    fail(cat("Invalid value for argument `depth_multiplier`. Expected a strictly positive value. Received "
             "depth_multiplier=", k.depth_multiplier));
  if (static_cast<int>(k.kernel_size.size()) != k.rank || static_cast<int>(k.strides.size()) != k.rank ||
      static_cast<int>(k.dilation_rate.size()) != k.rank)
    fail(cat("kernel_size, strides and dilation_rate need ", k.rank, " values each"));
  if (k.groups <= 0) fail(cat("Invalid value for argument `groups`. Expected a positive value. Received groups=", k.groups));
  if (k.kind == ConvKind::standard && k.filters % k.groups != 0)
    fail(cat("The number of filters must be evenly divisible by the number of groups. Received: groups=", k.groups,
             ", filters=", k.filters));
  for (int64_t v : k.kernel_size)
    if (v <= 0) fail(cat("The `kernel_size` argument must be positive integers. Received kernel_size=", tuple(k.kernel_size)));
  for (int64_t v : k.strides)
    if (v <= 0) fail(cat("The `strides` argument must be positive integers. Received strides=", tuple(k.strides)));
  for (int64_t v : k.dilation_rate)
    if (v <= 0)
      fail(cat("The `dilation_rate` argument must be positive integers. Received dilation_rate=", tuple(k.dilation_rate)));
  bool strided = false, dilated = false;
  for (int64_t v : k.strides) strided |= v > 1;
  for (int64_t v : k.dilation_rate) dilated |= v > 1;
  if (strided && dilated)
    fail(cat("`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=",
             tuple(k.strides), " and dilation_rate=", tuple(k.dilation_rate)));
  const bool causal_ok = k.rank == 1;
  if (k.padding != "valid" && k.padding != "same" && !(causal_ok && k.padding == "causal"))
    fail(cat("Invalid value for argument `padding`: \"", k.padding, "\". Expected one of \"valid\", \"same\"",
             causal_ok ? ", \"causal\"" : ""));
  if (k.data_format != "channels_last")
    fail("Only data_format=\"channels_last\" is supported; got \"" + k.data_format + "\"");
  input_spec_.min_ndim = k.rank + 2;
}

void BaseConv::build(const Shape& input_shape) {
  const int64_t channels = input_shape.dim(-1);
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
  input_spec_.axes = {{-1, channels}};
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

Shape BaseConv::compute_output_shape(const Shape& s) {
  if (s.rank() != config_.rank + 2)
    fail(cat("Expected an input of rank ", config_.rank + 2, ", got shape ", s.to_string()));
  const int64_t channels = config_.kind == ConvKind::depthwise
                               ? (s.back() == kNone ? kNone : s.back() * config_.depth_multiplier)
                               : config_.filters;
  Shape out = ops::window_output_shape(s, config_.kernel_size, config_.strides, config_.dilation_rate, config_.padding,
                                       channels);
  for (int64_t d : out)
    if (d == 0 && s[0] != 0)
      fail(cat("Computed output size would be negative or zero for input shape ", s.to_string(), " with kernel_size=",
               tuple(config_.kernel_size), ", strides=", tuple(config_.strides), ", dilation_rate=",
               tuple(config_.dilation_rate), " and padding=\"", config_.padding, "\""));
  return out;
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

}  // namespace keras::layers
