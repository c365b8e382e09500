// keras.layers.SeparableConv2D: a depthwise convolution (one filter per input channel,
// times depth_multiplier) followed by a 1x1 pointwise convolution to `filters` channels;
// far fewer weights than a Conv2D of the same shape.
//
// Args: filters; kernel_size; strides (1); padding ("valid" | "same"); data_format;
//   dilation_rate (1); depth_multiplier (1); activation; use_bias (true);
//   depthwise_initializer, pointwise_initializer ("glorot_uniform"); bias_initializer ("zeros").
// Weights: depthwise_kernel (kh, kw, in, depth_multiplier),
//   pointwise_kernel (1, 1, in * depth_multiplier, filters), bias (filters).
//
//   layers::SeparableConv2D(64, 3, {.padding = "same", .activation = "relu"});
#pragma once

#include "keras/layers/convolutional/base_conv.h"
#include "keras/layers/options.h"

namespace keras::layers {

struct SeparableConv2DOptions {
  Size2 strides = 1;
  std::string padding = "valid";
  std::string data_format = "channels_last";
  Size2 dilation_rate = 1;
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
  std::optional<DType> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = SeparableConv2DOptions;
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

class SeparableConv2D : public Concrete<SeparableConv2D, BaseConv> {
 public:
  using Options = SeparableConv2DOptions;
  SeparableConv2D(int64_t filters, Size2 kernel_size, SeparableConv2DOptions options = {});
  const SeparableConv2DOptions& options() const { return options_; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

 private:
  SeparableConv2DOptions options_;
};

}  // namespace keras::layers
