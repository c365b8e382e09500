// keras.layers.Conv2D: 2-D convolution over (batch, height, width, channels).
//
// Args: filters; kernel_size (int or {h, w}); strides (1); padding ("valid" | "same");
//   data_format ("channels_last" only); dilation_rate (1); groups (1); activation;
//   use_bias (true); kernel_initializer ("glorot_uniform"); bias_initializer ("zeros").
// Output shape: (batch, new_height, new_width, filters).
//
//   layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = Shape{28, 28, 1}});
#pragma once

#include "keras/layers/convolutional/base_conv.h"
#include "keras/layers/options.h"

namespace keras::layers {

struct Conv2DOptions {
  Size2 strides = 1;
  std::string padding = "valid";
  std::string data_format = "channels_last";
  Size2 dilation_rate = 1;
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
  std::optional<DType> dtype{};
  bool trainable = true;
};

class Conv2D : public Concrete<Conv2D, BaseConv> {
 public:
  Conv2D(int64_t filters, Size2 kernel_size, Conv2DOptions options = {});
};

}  // namespace keras::layers
