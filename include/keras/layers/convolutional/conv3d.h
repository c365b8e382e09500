// keras.layers.Conv3D: 3-D convolution over (batch, depth, height, width, channels).
//
// Args: filters; kernel_size (int or one per spatial dim); strides (1); padding ("valid" | "same");
//   data_format ("channels_last" | "channels_first"); dilation_rate (1); groups (1); activation;
//   use_bias (true); kernel_initializer ("glorot_uniform"); bias_initializer ("zeros").
// Output shape: like the input, spatial sizes by the window rule, channels = filters.
//
//   layers::Conv3D(16, {3, 3, 3}, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/convolutional/base_conv.h"
#include "keras/layers/options.h"

namespace keras::layers {

using Conv3DOptions = ConvOptions<3>;

class Conv3D : public Concrete<Conv3D, BaseConv> {
 public:
  using Options = Conv3DOptions;
  Conv3D(int64_t filters, Size3 kernel_size, Conv3DOptions options = {})
      : Concrete("Conv3D", standard_conv_config(filters, kernel_size, options), layer_args_of(options)),
        options_(std::move(options)) {}
  const Conv3DOptions& options() const { return options_; }
  Config get_config() const override;  // in base_conv.cpp, with the family
  static std::shared_ptr<Layer> from_config(const Config& c) { return standard_conv_from_config<Conv3D, 3>(c); }

 private:
  Conv3DOptions options_;
};

/// Keras's other name for the class (keras.layers.Convolution3D).
using Convolution3D = Conv3D;

}  // namespace keras::layers
