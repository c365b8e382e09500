// keras.layers.Conv3D: 3-D convolution over (batch, depth, height, width, channels).
//
// Args: filters; kernel_size (int or one per spatial dim); strides (1); padding ("valid" | "same");
//   data_format ("channels_last" only); dilation_rate (1); groups (1); activation;
//   use_bias (true); kernel_initializer ("glorot_uniform"); bias_initializer ("zeros").
// Output shape: like the input, spatial sizes by the window rule, channels = filters.
//
//   layers::Conv3D(16, {3, 3, 3}, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/convolutional/base_conv.h"
#include "keras/layers/options.h"

namespace keras::layers {

struct Conv3DOptions {
  Size3 strides = 1;
  std::string padding = "valid";
  std::string data_format = "channels_last";
  Size3 dilation_rate = 1;
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

class Conv3D : public Concrete<Conv3D, BaseConv> {
 public:
  Conv3D(int64_t filters, Size3 kernel_size, Conv3DOptions options = {});
};

}  // namespace keras::layers
