#include "keras/layers/convolutional/base_conv.h"

#include "keras/ops/nn.h"
#include "ops/fused.h"

namespace keras::layers {

using keras::detail::cat;

namespace {
std::string tuple(const std::vector<int64_t>& v) { return Shape(v).to_string(); }
}  // namespace

BaseConv::BaseConv(std::string class_name, ConvConfig c, const LayerArgs& args)
    : Layer(std::move(class_name), args), config_(std::move(c)) {
  const auto& k = config_;
  if (k.filters <= 0)
    fail(cat("Invalid value for argument `filters`. Expected a strictly positive value. Received filters=", k.filters));
  if (k.groups <= 0) fail(cat("Invalid value for argument `groups`. Expected a positive value. Received groups=", k.groups));
  if (k.filters % k.groups != 0)
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
  if (channels % config_.groups != 0)
    fail(cat("The number of input channels must be evenly divisible by the number of groups. Received groups=",
             config_.groups, ", but the input has ", channels, " channels (full input shape is ",
             input_shape.to_string(), ")."));
  Shape kshape(config_.kernel_size);
  kshape.push_back(channels / config_.groups);
  kshape.push_back(config_.filters);
  kernel_ = add_weight("kernel", kshape, config_.kernel_initializer);
  if (config_.use_bias) bias_ = add_weight("bias", Shape{config_.filters}, config_.bias_initializer);
  input_spec_.min_ndim = config_.rank + 2;
  input_spec_.axes = {{-1, channels}};
}

Tensor BaseConv::call(const Tensor& x, const CallContext&) {
  const Tensor bias = config_.use_bias ? bias_.value() : Tensor();
  if (config_.activation.is_builtin("relu"))  // fast path: relu fused into the convolution
    return ops::detail::conv_relu(x, kernel_, bias, config_.strides, config_.padding, config_.dilation_rate);
  Tensor y = ops::conv(x, kernel_, config_.use_bias ? bias_.value() : Tensor(), config_.strides, config_.padding,
                       config_.dilation_rate);
  return config_.activation(y);
}

Shape BaseConv::compute_output_shape(const Shape& s) {
  if (s.rank() != config_.rank + 2)
    fail(cat("Expected an input of rank ", config_.rank + 2, ", got shape ", s.to_string()));
  Shape out = ops::window_output_shape(s, config_.kernel_size, config_.strides, config_.dilation_rate, config_.padding,
                                       config_.filters);
  for (int64_t d : out)
    if (d == 0)
      fail(cat("Computed output size would be negative or zero for input shape ", s.to_string(), " with kernel_size=",
               tuple(config_.kernel_size), ", strides=", tuple(config_.strides), ", dilation_rate=",
               tuple(config_.dilation_rate), " and padding=\"", config_.padding, "\""));
  return out;
}

}  // namespace keras::layers
