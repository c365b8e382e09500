#include "keras/layers/convolutional/base_conv_transpose.h"

#include "keras/layers/convolutional/conv1d_transpose.h"
#include "keras/layers/convolutional/conv2d_transpose.h"
#include "keras/layers/convolutional/conv3d_transpose.h"
#include "keras/layers/layer_config.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"
#include "layers/convolutional/conv_internal.h"

namespace keras::layers {

using conv_detail::tuple;
using keras::detail::cat;

BaseConvTranspose::BaseConvTranspose(std::string class_name, ConvTransposeConfig c, const LayerArgs& args)
    : Layer(std::move(class_name), args), config_(std::move(c)) {
  set_activity_regularizer(config_.activity_regularizer);
  const auto& k = config_;
  if (k.filters <= 0)
    fail(cat("Invalid value for argument `filters`. Expected a strictly positive value. Received filters=", k.filters));
  if (auto e = conv_detail::window_args_error(k.rank, k.kernel_size, k.strides, k.dilation_rate); !e.empty()) fail(e);
  if (!k.output_padding.empty()) {
    if (static_cast<int>(k.output_padding.size()) != k.rank)
      fail(cat("`output_padding` needs ", k.rank, " values. Received output_padding=", tuple(k.output_padding)));
    for (size_t i = 0; i < k.output_padding.size(); ++i) {
      if (k.output_padding[i] < 0)
        fail(cat("The `output_padding` argument must be non-negative integers. Received output_padding=",
                 tuple(k.output_padding)));
      if (k.output_padding[i] >= k.strides[i])
        fail(cat("`output_padding` must be strictly less than `strides` for all dimensions. At dimension ", i,
                 ", `output_padding` is ", k.output_padding[i], " but `strides` is ", k.strides[i],
                 ". Received: output_padding=", tuple(k.output_padding), ", strides=", tuple(k.strides)));
    }
  }
  if (k.padding != "valid" && k.padding != "same")
    fail(cat("Invalid value for argument `padding`: \"", k.padding, "\". Expected one of \"valid\", \"same\""));
  if (auto e = conv_detail::data_format_error(k.data_format); !e.empty()) fail(e);
  input_spec_.min_ndim = k.rank + 2;
}

void BaseConvTranspose::build(const Shape& input_shape) {
  const int64_t channels = channels_first() ? (input_shape.rank() > 1 ? input_shape[1] : kNone) : input_shape.dim(-1);
  if (channels == kNone)
    fail("The channel dimension of the inputs should be defined; received " + input_shape.to_string());
  Shape kshape(config_.kernel_size);
  kshape.push_back(config_.filters);
  kshape.push_back(channels);
  kernel_ = add_weight("kernel", kshape, config_.kernel_initializer, true, config_.kernel_regularizer,
                       config_.kernel_constraint);
  if (config_.use_bias)
    bias_ = add_weight("bias", Shape{config_.filters}, config_.bias_initializer, true, config_.bias_regularizer,
                       config_.bias_constraint);
  input_spec_.min_ndim = config_.rank + 2;
  input_spec_.axes = {{channels_first() ? 1 : -1, channels}};
}

Tensor BaseConvTranspose::call(const Tensor& x, const CallContext&) {
  const Tensor in = channels_first() ? conv_detail::to_channels_last(x) : x;
  Tensor y =
      ops::conv_transpose(in, kernel_, config_.strides, config_.padding, config_.output_padding, config_.dilation_rate);
  if (config_.use_bias) y = ops::add(y, bias_);  // broadcast along the channels (last) axis
  y = config_.activation(y);
  return channels_first() ? conv_detail::to_channels_first(y) : y;
}

Shape BaseConvTranspose::compute_output_shape(const Shape& input_shape) {
  if (input_shape.rank() != config_.rank + 2)
    fail(cat("Expected an input of rank ", config_.rank + 2, ", got shape ", input_shape.to_string()));
  const Shape s = channels_first() ? conv_detail::to_channels_last(input_shape) : input_shape;
  Shape out{s[0]};
  for (size_t i = 0; i < static_cast<size_t>(config_.rank); ++i) {
    const int64_t n = s[i + 1];
    const auto op = config_.output_padding.empty() ? std::nullopt : std::optional<int64_t>(config_.output_padding[i]);
    const int64_t len = n == kNone ? kNone
                                   : ops::conv_transpose_output_length(n, config_.kernel_size[i], config_.strides[i],
                                                                       config_.dilation_rate[i], config_.padding, op);
    if (n != kNone && (n <= 0 || len <= 0))
      fail(cat("Computed output size would be negative or zero for input shape ", input_shape.to_string(),
               " with kernel_size=", tuple(config_.kernel_size), ", strides=", tuple(config_.strides),
               " and padding=\"", config_.padding, "\""));
    out.push_back(len);
  }
  out.push_back(config_.filters);
  return channels_first() ? conv_detail::to_channels_first(out) : out;
}

namespace {
/// filters, kernel_size, then the ConvTransposeOptions<N> table (base_conv_transpose.get_config).
template <size_t N>
Config conv_transpose_get_config(const BaseConvTranspose& layer, const ConvTransposeOptions<N>& options) {
  Config c = layer.Layer::get_config();
  c["filters"] = layer.config().filters;
  c["kernel_size"] = layer.config().kernel_size;
  write_fields(c, options, &layer);
  return c;
}
}  // namespace

Config Conv1DTranspose::get_config() const { return conv_transpose_get_config(*this, options_); }
Config Conv2DTranspose::get_config() const { return conv_transpose_get_config(*this, options_); }
Config Conv3DTranspose::get_config() const { return conv_transpose_get_config(*this, options_); }

template <class Leaf, size_t N>
std::shared_ptr<Layer> conv_transpose_from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<Leaf>(r.required<int64_t>("filters"), r.required<SizeN<N>>("kernel_size"),
                                r.options<ConvTransposeOptions<N>>());
}

template std::shared_ptr<Layer> conv_transpose_from_config<Conv1DTranspose, 1>(const Config&);
template std::shared_ptr<Layer> conv_transpose_from_config<Conv2DTranspose, 2>(const Config&);
template std::shared_ptr<Layer> conv_transpose_from_config<Conv3DTranspose, 3>(const Config&);

}  // namespace keras::layers
