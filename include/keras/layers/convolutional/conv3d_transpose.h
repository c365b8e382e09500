// keras.layers.Conv3DTranspose (keras/src/layers/convolutional/conv3d_transpose.py): the
// transpose of a Conv3D (its gradient with respect to the input), a learned upsampler.
//
// Args: filters; kernel_size (int or one per spatial dim); strides (1); padding ("valid" |
//   "same"); output_padding (None: inferred; else each < strides); data_format
//   ("channels_last" | "channels_first"); dilation_rate (1); activation; use_bias (true);
//   kernel_initializer ("glorot_uniform"); bias_initializer ("zeros").
// Weights: kernel (*kernel_size, filters, in_channels), bias (filters).
// Input shape: (batch, depth, height, width, channels).
// Output shape: (batch, new_depth, new_height, new_width, filters); each new length by
//   ops::conv_transpose_output_length (output_padding None: valid (n - 1) * stride + max(kernel,
//   stride), same n * stride).
//
//   layers::Conv3DTranspose(8, 3, {.strides = 2, .padding = "same", .output_padding = 1});
#pragma once

#include "keras/layers/convolutional/base_conv_transpose.h"
#include "keras/layers/options.h"

namespace keras::layers {

using Conv3DTransposeOptions = ConvTransposeOptions<3>;

class Conv3DTranspose : public Concrete<Conv3DTranspose, BaseConvTranspose> {
 public:
  using Options = Conv3DTransposeOptions;
  Conv3DTranspose(int64_t filters, Size3 kernel_size, Conv3DTransposeOptions options = {})
      : Concrete("Conv3DTranspose", conv_transpose_config(filters, kernel_size, options), layer_args_of(options)),
        options_(std::move(options)) {}
  const Conv3DTransposeOptions& options() const { return options_; }
  Config get_config() const override;  // in base_conv_transpose.cpp, with the family
  static std::shared_ptr<Layer> from_config(const Config& c) {
    return conv_transpose_from_config<Conv3DTranspose, 3>(c);
  }

 private:
  Conv3DTransposeOptions options_;
};

/// Keras's other name for the class (keras.layers.Convolution3DTranspose).
using Convolution3DTranspose = Conv3DTranspose;

}  // namespace keras::layers
