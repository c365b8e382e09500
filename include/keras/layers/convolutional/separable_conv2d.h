// keras.layers.SeparableConv2D (keras/src/layers/convolutional/separable_conv2d.py): a
// depthwise convolution (one filter per input channel, times depth_multiplier) followed
// by a 1x1 pointwise convolution to `filters` channels; far fewer weights than a Conv2D
// of the same shape.
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

using SeparableConv2DOptions = SeparableConvOptions<2>;

class SeparableConv2D : public Concrete<SeparableConv2D, BaseConv> {
 public:
  using Options = SeparableConv2DOptions;
  SeparableConv2D(int64_t filters, Size2 kernel_size, SeparableConv2DOptions options = {})
      : Concrete("SeparableConv2D", separable_conv_config(filters, kernel_size, options), layer_args_of(options)),
        options_(std::move(options)) {}
  const SeparableConv2DOptions& options() const { return options_; }
  Config get_config() const override;  // in base_conv.cpp, with the family
  static std::shared_ptr<Layer> from_config(const Config& c) {
    return separable_conv_from_config<SeparableConv2D, 2>(c);
  }

 private:
  SeparableConv2DOptions options_;
};

/// Keras's other name for the class (keras.layers.SeparableConvolution2D).
using SeparableConvolution2D = SeparableConv2D;

}  // namespace keras::layers
