// keras.layers.DepthwiseConv2D (keras/src/layers/convolutional/depthwise_conv2d.py): one
// spatial filter per input channel (times depth_multiplier), no mixing across channels.
//
// Args: kernel_size; strides (1); padding ("valid" | "same"); depth_multiplier (1);
//   data_format ("channels_last" | "channels_first"); dilation_rate (1); activation;
//   use_bias (true); depthwise_initializer ("glorot_uniform"); bias_initializer ("zeros").
// Weights: kernel (kh, kw, in, depth_multiplier), bias (in * depth_multiplier).
// Output shape: (batch, new_height, new_width, in * depth_multiplier).
//
//   layers::DepthwiseConv2D(3, {.padding = "same", .depth_multiplier = 2});
#pragma once

#include "keras/layers/convolutional/base_conv.h"
#include "keras/layers/options.h"

namespace keras::layers {

using DepthwiseConv2DOptions = DepthwiseConvOptions<2>;

class DepthwiseConv2D : public Concrete<DepthwiseConv2D, BaseConv> {
 public:
  using Options = DepthwiseConv2DOptions;
  explicit DepthwiseConv2D(Size2 kernel_size, DepthwiseConv2DOptions options = {})
      : Concrete("DepthwiseConv2D", depthwise_conv_config(kernel_size, options), layer_args_of(options)),
        options_(std::move(options)) {}
  const DepthwiseConv2DOptions& options() const { return options_; }
  Config get_config() const override;  // in base_conv.cpp, with the family
  static std::shared_ptr<Layer> from_config(const Config& c) {
    return depthwise_conv_from_config<DepthwiseConv2D, 2>(c);
  }

 private:
  DepthwiseConv2DOptions options_;
};

}  // namespace keras::layers
