// keras.layers.Conv2D: 2-D convolution over (batch, height, width, channels).
//
// Args: filters; kernel_size (int or {h, w}); strides (1); padding ("valid" | "same");
//   data_format ("channels_last" | "channels_first"); dilation_rate (1); groups (1); activation;
//   use_bias (true); kernel_initializer ("glorot_uniform"); bias_initializer ("zeros").
// Output shape: (batch, new_height, new_width, filters).
//
//   layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = Shape{28, 28, 1}});
#pragma once

#include "keras/layers/convolutional/base_conv.h"
#include "keras/layers/options.h"

namespace keras::layers {

using Conv2DOptions = ConvOptions<2>;

class Conv2D : public Concrete<Conv2D, BaseConv> {
 public:
  using Options = Conv2DOptions;
  Conv2D(int64_t filters, Size2 kernel_size, Conv2DOptions options = {})
      : Concrete("Conv2D", standard_conv_config(filters, kernel_size, options), layer_args_of(options)),
        options_(std::move(options)) {}
  const Conv2DOptions& options() const { return options_; }
  Config get_config() const override;  // in base_conv.cpp, with the family
  static std::shared_ptr<Layer> from_config(const Config& c) { return standard_conv_from_config<Conv2D, 2>(c); }

 private:
  Conv2DOptions options_;
};

/// Keras's other name for the class (keras.layers.Convolution2D).
using Convolution2D = Conv2D;

}  // namespace keras::layers
