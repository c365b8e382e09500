// keras.layers.Conv1DTranspose (keras/src/layers/convolutional/conv1d_transpose.py): the
// transpose of a Conv1D (its gradient with respect to the input), a learned upsampler.
//
// Args: filters; kernel_size (int or one per spatial dim); strides (1); padding ("valid" |
//   "same"); output_padding (None: inferred; else each < strides); data_format
//   ("channels_last" | "channels_first"); dilation_rate (1); activation; use_bias (true);
//   kernel_initializer ("glorot_uniform"); bias_initializer ("zeros").
// Weights: kernel (*kernel_size, filters, in_channels), bias (filters).
// Input shape: (batch, steps, channels).
// Output shape: (batch, new_steps, filters); each new length by
//   ops::conv_transpose_output_length (output_padding None: valid (n - 1) * stride + max(kernel,
//   stride), same n * stride).
//
//   layers::Conv1DTranspose(16, 4, {.strides = 2, .padding = "same"});  // (b, 50, 8) -> (b, 100, 16)
#pragma once

#include "keras/layers/convolutional/base_conv_transpose.h"
#include "keras/layers/options.h"

namespace keras::layers {

using Conv1DTransposeOptions = ConvTransposeOptions<1>;

class Conv1DTranspose : public Concrete<Conv1DTranspose, BaseConvTranspose> {
 public:
  using Options = Conv1DTransposeOptions;
  Conv1DTranspose(int64_t filters, Size1 kernel_size, Conv1DTransposeOptions options = {})
      : Concrete("Conv1DTranspose", conv_transpose_config(filters, kernel_size, options), layer_args_of(options)),
        options_(std::move(options)) {}
  const Conv1DTransposeOptions& options() const { return options_; }
  Config get_config() const override;  // in base_conv_transpose.cpp, with the family
  static std::shared_ptr<Layer> from_config(const Config& c) {
    return conv_transpose_from_config<Conv1DTranspose, 1>(c);
  }

 private:
  Conv1DTransposeOptions options_;
};

/// Keras's other name for the class (keras.layers.Convolution1DTranspose).
using Convolution1DTranspose = Conv1DTranspose;

}  // namespace keras::layers
