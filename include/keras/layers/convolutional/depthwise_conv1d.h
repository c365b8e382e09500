// keras.layers.DepthwiseConv1D (keras/src/layers/convolutional/depthwise_conv1d.py): one
// spatial filter per input channel (times depth_multiplier), no mixing across channels.
//
// Args: kernel_size; strides (1); padding ("valid" | "same"); depth_multiplier (1);
//   data_format ("channels_last" | "channels_first"); dilation_rate (1); activation;
//   use_bias (true); depthwise_initializer ("glorot_uniform"); bias_initializer ("zeros").
// Weights: kernel (k, in, depth_multiplier), bias (in * depth_multiplier).
// Output shape: (batch, new_steps, in * depth_multiplier).
//
//   layers::DepthwiseConv1D(3, {.strides = 2, .padding = "same", .depth_multiplier = 2});
#pragma once

#include "keras/layers/convolutional/base_conv.h"
#include "keras/layers/options.h"

namespace keras::layers {

using DepthwiseConv1DOptions = DepthwiseConvOptions<1>;

class DepthwiseConv1D : public Concrete<DepthwiseConv1D, BaseConv> {
 public:
  using Options = DepthwiseConv1DOptions;
  explicit DepthwiseConv1D(Size1 kernel_size, DepthwiseConv1DOptions options = {})
      : Concrete("DepthwiseConv1D", depthwise_conv_config(kernel_size, options), layer_args_of(options)),
        options_(std::move(options)) {}
  const DepthwiseConv1DOptions& options() const { return options_; }
  Config get_config() const override;  // in base_conv.cpp, with the family
  static std::shared_ptr<Layer> from_config(const Config& c) {
    return depthwise_conv_from_config<DepthwiseConv1D, 1>(c);
  }

 private:
  DepthwiseConv1DOptions options_;
};

}  // namespace keras::layers
