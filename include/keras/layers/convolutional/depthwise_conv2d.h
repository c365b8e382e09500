// keras.layers.DepthwiseConv2D: one spatial filter per input channel (times
// depth_multiplier), no mixing across channels.
//
// Args: kernel_size; strides (1); padding ("valid" | "same"); depth_multiplier (1);
//   data_format; dilation_rate (1); activation; use_bias (true);
//   depthwise_initializer ("glorot_uniform"); bias_initializer ("zeros").
// Weights: depthwise_kernel (kh, kw, in, depth_multiplier), bias (in * depth_multiplier).
// Output shape: (batch, new_height, new_width, in * depth_multiplier).
//
//   layers::DepthwiseConv2D(3, {.padding = "same", .depth_multiplier = 2});
#pragma once

#include "keras/layers/convolutional/base_conv.h"
#include "keras/layers/options.h"

namespace keras::layers {

struct DepthwiseConv2DOptions {
  Size2 strides = 1;
  std::string padding = "valid";
  int64_t depth_multiplier = 1;
  std::string data_format = "channels_last";
  Size2 dilation_rate = 1;
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
  std::optional<DType> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = DepthwiseConv2DOptions;
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

class DepthwiseConv2D : public Concrete<DepthwiseConv2D, BaseConv> {
 public:
  using Options = DepthwiseConv2DOptions;
  explicit DepthwiseConv2D(Size2 kernel_size, DepthwiseConv2DOptions options = {});
  const DepthwiseConv2DOptions& options() const { return options_; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

 private:
  DepthwiseConv2DOptions options_;
};

}  // namespace keras::layers
