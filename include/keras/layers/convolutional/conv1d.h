// keras.layers.Conv1D: 1-D convolution over (batch, steps, channels).
//
// Args: filters; kernel_size (int or one per spatial dim); strides (1); padding ("valid" | "same" | "causal");
//   data_format ("channels_last" | "channels_first"); dilation_rate (1); groups (1); activation;
//   use_bias (true); kernel_initializer ("glorot_uniform"); bias_initializer ("zeros").
// Output shape: like the input, spatial sizes by the window rule, channels = filters.
//
//   layers::Conv1D(64, 3, {.padding = "causal", .dilation_rate = 2, .activation = "relu"});
#pragma once

#include "keras/layers/convolutional/base_conv.h"
#include "keras/layers/options.h"

namespace keras::layers {

using Conv1DOptions = ConvOptions<1>;

class Conv1D : public Concrete<Conv1D, BaseConv> {
 public:
  using Options = Conv1DOptions;
  Conv1D(int64_t filters, Size1 kernel_size, Conv1DOptions options = {})
      : Concrete("Conv1D", standard_conv_config(filters, kernel_size, options), layer_args_of(options)),
        options_(std::move(options)) {}
  const Conv1DOptions& options() const { return options_; }
  Config get_config() const override;  // in base_conv.cpp, with the family
  static std::shared_ptr<Layer> from_config(const Config& c) { return standard_conv_from_config<Conv1D, 1>(c); }

 private:
  Conv1DOptions options_;
};

/// Keras's other name for the class (keras.layers.Convolution1D).
using Convolution1D = Conv1D;

}  // namespace keras::layers
