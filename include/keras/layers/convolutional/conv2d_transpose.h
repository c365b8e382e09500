// keras.layers.Conv2DTranspose (keras/src/layers/convolutional/conv2d_transpose.py): the
// transpose of a Conv2D (its gradient with respect to the input), a learned upsampler.
//
// Args: filters; kernel_size (int or one per spatial dim); strides (1); padding ("valid" |
//   "same"); output_padding (None: inferred; else each < strides); data_format
//   ("channels_last" | "channels_first"); dilation_rate (1); activation; use_bias (true);
//   kernel_initializer ("glorot_uniform"); bias_initializer ("zeros").
// Weights: kernel (*kernel_size, filters, in_channels), bias (filters).
// Input shape: (batch, height, width, channels).
// Output shape: (batch, new_height, new_width, filters); each new length by
//   ops::conv_transpose_output_length (output_padding None: valid (n - 1) * stride + max(kernel,
//   stride), same n * stride).
//
//   layers::Conv2DTranspose(32, 2, {.strides = 2});  // (b, 16, 16, 64) -> (b, 32, 32, 32), a U-Net upsampler
#pragma once

#include "keras/layers/convolutional/base_conv_transpose.h"
#include "keras/layers/options.h"

namespace keras::layers {

using Conv2DTransposeOptions = ConvTransposeOptions<2>;

class Conv2DTranspose : public Concrete<Conv2DTranspose, BaseConvTranspose> {
 public:
  using Options = Conv2DTransposeOptions;
  Conv2DTranspose(int64_t filters, Size2 kernel_size, Conv2DTransposeOptions options = {})
      : Concrete("Conv2DTranspose", conv_transpose_config(filters, kernel_size, options), layer_args_of(options)),
        options_(std::move(options)) {}
  const Conv2DTransposeOptions& options() const { return options_; }
  Config get_config() const override;  // in base_conv_transpose.cpp, with the family
  static std::shared_ptr<Layer> from_config(const Config& c) {
    return conv_transpose_from_config<Conv2DTranspose, 2>(c);
  }

 private:
  Conv2DTransposeOptions options_;
};

/// Keras's other name for the class (keras.layers.Convolution2DTranspose).
using Convolution2DTranspose = Conv2DTranspose;

}  // namespace keras::layers
