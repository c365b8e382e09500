// keras.layers.SeparableConv1D (keras/src/layers/convolutional/separable_conv1d.py): a
// depthwise convolution over steps (one filter per input channel, times
// depth_multiplier) followed by a pointwise (kernel size 1) convolution to `filters`.
//
// Args: filters; kernel_size; strides (1); padding ("valid" | "same"); data_format;
//   dilation_rate (1); depth_multiplier (1); activation; use_bias (true);
//   depthwise_initializer, pointwise_initializer ("glorot_uniform"); bias_initializer ("zeros").
// Weights: depthwise_kernel (k, in, depth_multiplier), pointwise_kernel (1, in * depth_multiplier,
//   filters), bias (filters).
// Output shape: (batch, new_steps, filters).
//
//   layers::SeparableConv1D(32, 5, {.padding = "same", .depth_multiplier = 2});
#pragma once

#include "keras/layers/convolutional/base_conv.h"
#include "keras/layers/options.h"

namespace keras::layers {

using SeparableConv1DOptions = SeparableConvOptions<1>;

class SeparableConv1D : public Concrete<SeparableConv1D, BaseConv> {
 public:
  using Options = SeparableConv1DOptions;
  SeparableConv1D(int64_t filters, Size1 kernel_size, SeparableConv1DOptions options = {})
      : Concrete("SeparableConv1D", separable_conv_config(filters, kernel_size, options), layer_args_of(options)),
        options_(std::move(options)) {}
  const SeparableConv1DOptions& options() const { return options_; }
  Config get_config() const override;  // in base_conv.cpp, with the family
  static std::shared_ptr<Layer> from_config(const Config& c) {
    return separable_conv_from_config<SeparableConv1D, 1>(c);
  }

 private:
  SeparableConv1DOptions options_;
};

/// Keras's other name for the class (keras.layers.SeparableConvolution1D).
using SeparableConvolution1D = SeparableConv1D;

}  // namespace keras::layers
