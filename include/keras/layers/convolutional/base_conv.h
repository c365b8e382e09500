// What the convolution layers share (keras/src/layers/convolutional/base_conv.py,
// base_depthwise_conv.py, base_separable_conv.py): argument checks, the weights,
// output shapes, and the call through ops::conv. Three kinds:
//   standard   kernel (*kernel_size, in / groups, filters), bias (filters)
//   depthwise  depthwise_kernel (*kernel_size, in, depth_multiplier), bias (in * multiplier)
//   separable  depthwise_kernel as above, then pointwise_kernel (1..., in * multiplier, filters), bias (filters)
// The leaves (Conv1D/2D/3D, DepthwiseConv2D, SeparableConv2D) only translate options.
#pragma once

#include "keras/activations/activations.h"
#include "keras/layers/layer.h"

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

  ConvConfig config_;
  Variable kernel_, depthwise_kernel_, pointwise_kernel_, bias_;
};

}  // namespace keras::layers
