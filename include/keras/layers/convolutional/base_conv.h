// What the convolution layers share (keras/src/layers/convolutional/base_conv.py,
// base_depthwise_conv.py, base_separable_conv.py): argument checks, the weights,
// output shapes, and the call through ops::conv. Three kinds:
//   standard   kernel (*kernel_size, in / groups, filters), bias (filters)
//   depthwise  kernel (*kernel_size, in, depth_multiplier), bias (in * multiplier)
//   separable  depthwise_kernel as above, then pointwise_kernel (1..., in * multiplier, filters), bias (filters)
// The leaves (Conv1D/2D/3D, DepthwiseConv1D/2D, SeparableConv1D/2D) only translate
// options. data_format "channels_first" moves the channels last around the call.
#pragma once

#include "keras/activations/activations.h"
#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

enum class ConvKind { standard, depthwise, separable };

/// Everything a BaseConv needs, with one entry per spatial dimension.
struct ConvConfig {
  int rank = 2;
  ConvKind kind = ConvKind::standard;
  int64_t filters = 0;  // unused by depthwise
  std::vector<int64_t> kernel_size, strides, dilation_rate;
  std::string padding = "valid";
  std::string data_format = "channels_last";
  int64_t groups = 1;
  int64_t depth_multiplier = 1;
  activations::Activation activation{};
  bool use_bias = true;
  initializers::Initializer kernel_initializer = "glorot_uniform";
  initializers::Initializer bias_initializer = "zeros";
  initializers::Initializer depthwise_initializer = "glorot_uniform";
  initializers::Initializer pointwise_initializer = "glorot_uniform";
  regularizers::Regularizer kernel_regularizer{}, bias_regularizer{}, depthwise_regularizer{}, pointwise_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{}, bias_constraint{}, depthwise_constraint{}, pointwise_constraint{};
};

/// The keyword arguments of Conv1D, Conv2D and Conv3D (keras.layers.ConvND), one
/// struct for the three ranks: ConvOptions<2> is Conv2DOptions.
template <size_t N>
struct ConvOptions {
  SizeN<N> strides = 1;
  std::string padding = "valid";
  std::string data_format = "channels_last";
  SizeN<N> dilation_rate = 1;
  int64_t groups = 1;
  activations::Activation activation{};
  bool use_bias = true;
  initializers::Initializer kernel_initializer = "glorot_uniform";
  initializers::Initializer bias_initializer = "zeros";
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint bias_constraint{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = ConvOptions;
    return std::tuple{field("strides", &O::strides),
                      field("padding", &O::padding),
                      field("data_format", &O::data_format),
                      field("dilation_rate", &O::dilation_rate),
                      field("groups", &O::groups),
                      field("activation", &O::activation),
                      field("use_bias", &O::use_bias),
                      field("kernel_initializer", &O::kernel_initializer),
                      field("bias_initializer", &O::bias_initializer),
                      field("kernel_regularizer", &O::kernel_regularizer),
                      field("bias_regularizer", &O::bias_regularizer),
                      field("activity_regularizer", &O::activity_regularizer),
                      field("kernel_constraint", &O::kernel_constraint),
                      field("bias_constraint", &O::bias_constraint)};
  }
};

/// The BaseConv config of a standard convolution of rank N.
template <size_t N>
ConvConfig standard_conv_config(int64_t filters, const SizeN<N>& kernel_size, const ConvOptions<N>& o) {
  return ConvConfig{.rank = static_cast<int>(N),
                    .filters = filters,
                    .kernel_size = kernel_size.vec(),
                    .strides = o.strides.vec(),
                    .dilation_rate = o.dilation_rate.vec(),
                    .padding = o.padding,
                    .data_format = o.data_format,
                    .groups = o.groups,
                    .activation = o.activation,
                    .use_bias = o.use_bias,
                    .kernel_initializer = o.kernel_initializer,
                    .bias_initializer = o.bias_initializer,
                    .kernel_regularizer = o.kernel_regularizer,
                    .bias_regularizer = o.bias_regularizer,
                    .activity_regularizer = o.activity_regularizer,
                    .kernel_constraint = o.kernel_constraint,
                    .bias_constraint = o.bias_constraint};
}

/// The keyword arguments of DepthwiseConv1D and DepthwiseConv2D (Keras's order).
template <size_t N>
struct DepthwiseConvOptions {
  SizeN<N> strides = 1;
  std::string padding = "valid";
  int64_t depth_multiplier = 1;
  std::string data_format = "channels_last";
  SizeN<N> dilation_rate = 1;
  activations::Activation activation{};
  bool use_bias = true;
  initializers::Initializer depthwise_initializer = "glorot_uniform";
  initializers::Initializer bias_initializer = "zeros";
  regularizers::Regularizer depthwise_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint depthwise_constraint{};
  constraints::Constraint bias_constraint{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  /// get_config writes depth_multiplier and kernel_size first, then the rest in this order.
  static constexpr auto fields() {
    using O = DepthwiseConvOptions;
    return std::tuple{field("depth_multiplier", &O::depth_multiplier),
                      field("strides", &O::strides),
                      field("padding", &O::padding),
                      field("data_format", &O::data_format),
                      field("dilation_rate", &O::dilation_rate),
                      field("activation", &O::activation),
                      field("use_bias", &O::use_bias),
                      field("depthwise_initializer", &O::depthwise_initializer),
                      field("bias_initializer", &O::bias_initializer),
                      field("depthwise_regularizer", &O::depthwise_regularizer),
                      field("bias_regularizer", &O::bias_regularizer),
                      field("activity_regularizer", &O::activity_regularizer),
                      field("depthwise_constraint", &O::depthwise_constraint),
                      field("bias_constraint", &O::bias_constraint)};
  }
};

/// The keyword arguments of SeparableConv1D and SeparableConv2D (Keras's order).
template <size_t N>
struct SeparableConvOptions {
  SizeN<N> strides = 1;
  std::string padding = "valid";
  std::string data_format = "channels_last";
  SizeN<N> dilation_rate = 1;
  int64_t depth_multiplier = 1;
  activations::Activation activation{};
  bool use_bias = true;
  initializers::Initializer depthwise_initializer = "glorot_uniform";
  initializers::Initializer pointwise_initializer = "glorot_uniform";
  initializers::Initializer bias_initializer = "zeros";
  regularizers::Regularizer depthwise_regularizer{};
  regularizers::Regularizer pointwise_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint depthwise_constraint{};
  constraints::Constraint pointwise_constraint{};
  constraints::Constraint bias_constraint{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  /// get_config writes depth_multiplier, filters and kernel_size first, then the rest in this order.
  static constexpr auto fields() {
    using O = SeparableConvOptions;
    return std::tuple{field("depth_multiplier", &O::depth_multiplier),
                      field("strides", &O::strides),
                      field("padding", &O::padding),
                      field("data_format", &O::data_format),
                      field("dilation_rate", &O::dilation_rate),
                      field("activation", &O::activation),
                      field("use_bias", &O::use_bias),
                      field("depthwise_initializer", &O::depthwise_initializer),
                      field("pointwise_initializer", &O::pointwise_initializer),
                      field("bias_initializer", &O::bias_initializer),
                      field("depthwise_regularizer", &O::depthwise_regularizer),
                      field("pointwise_regularizer", &O::pointwise_regularizer),
                      field("bias_regularizer", &O::bias_regularizer),
                      field("activity_regularizer", &O::activity_regularizer),
                      field("depthwise_constraint", &O::depthwise_constraint),
                      field("pointwise_constraint", &O::pointwise_constraint),
                      field("bias_constraint", &O::bias_constraint)};
  }
};

/// The BaseConv config of a depthwise convolution of rank N.
template <size_t N>
ConvConfig depthwise_conv_config(const SizeN<N>& kernel_size, const DepthwiseConvOptions<N>& o) {
  return ConvConfig{.rank = static_cast<int>(N),
                    .kind = ConvKind::depthwise,
                    .kernel_size = kernel_size.vec(),
                    .strides = o.strides.vec(),
                    .dilation_rate = o.dilation_rate.vec(),
                    .padding = o.padding,
                    .data_format = o.data_format,
                    .depth_multiplier = o.depth_multiplier,
                    .activation = o.activation,
                    .use_bias = o.use_bias,
                    .bias_initializer = o.bias_initializer,
                    .depthwise_initializer = o.depthwise_initializer,
                    .bias_regularizer = o.bias_regularizer,
                    .depthwise_regularizer = o.depthwise_regularizer,
                    .activity_regularizer = o.activity_regularizer,
                    .bias_constraint = o.bias_constraint,
                    .depthwise_constraint = o.depthwise_constraint};
}

/// The BaseConv config of a separable convolution of rank N.
template <size_t N>
ConvConfig separable_conv_config(int64_t filters, const SizeN<N>& kernel_size, const SeparableConvOptions<N>& o) {
  return ConvConfig{.rank = static_cast<int>(N),
                    .kind = ConvKind::separable,
                    .filters = filters,
                    .kernel_size = kernel_size.vec(),
                    .strides = o.strides.vec(),
                    .dilation_rate = o.dilation_rate.vec(),
                    .padding = o.padding,
                    .data_format = o.data_format,
                    .depth_multiplier = o.depth_multiplier,
                    .activation = o.activation,
                    .use_bias = o.use_bias,
                    .bias_initializer = o.bias_initializer,
                    .depthwise_initializer = o.depthwise_initializer,
                    .pointwise_initializer = o.pointwise_initializer,
                    .bias_regularizer = o.bias_regularizer,
                    .depthwise_regularizer = o.depthwise_regularizer,
                    .pointwise_regularizer = o.pointwise_regularizer,
                    .activity_regularizer = o.activity_regularizer,
                    .bias_constraint = o.bias_constraint,
                    .depthwise_constraint = o.depthwise_constraint,
                    .pointwise_constraint = o.pointwise_constraint};
}

/// The from_config of Conv1D/2D/3D.
template <class Leaf, size_t N>
std::shared_ptr<Layer> standard_conv_from_config(const Config& config);
/// The from_config of DepthwiseConv1D/2D and SeparableConv1D/2D.
template <class Leaf, size_t N>
std::shared_ptr<Layer> depthwise_conv_from_config(const Config& config);
template <class Leaf, size_t N>
std::shared_ptr<Layer> separable_conv_from_config(const Config& config);

class BaseConv : public Layer {
 public:
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;

  const ConvConfig& config() const { return config_; }

 protected:
  BaseConv(std::string class_name, ConvConfig config, const LayerArgs& args);

 private:
  /// The depthwise kernel as a grouped-convolution kernel (*k, 1, in * multiplier).
  Tensor grouped_depthwise_kernel() const;
  bool channels_first() const { return config_.data_format == "channels_first"; }
  /// The layer's computation on a channels-last input.
  Tensor conv_channels_last(const Tensor& x) const;

  ConvConfig config_;
  Variable kernel_, depthwise_kernel_, pointwise_kernel_, bias_;
};

}  // namespace keras::layers
