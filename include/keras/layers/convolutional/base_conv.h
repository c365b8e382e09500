// What Conv1D, Conv2D and Conv3D share (keras/src/layers/convolutional/base_conv.py):
// argument checks, the kernel (*kernel_size, input_channels / groups, filters) and bias,
// output shapes, and the call through ops::conv. Leaves only translate their options.
#pragma once

#include "keras/activations/activations.h"
#include "keras/layers/layer.h"

namespace keras::layers {

/// Everything a BaseConv needs, with one entry per spatial dimension.
struct ConvConfig {
  int rank = 2;
  int64_t filters = 0;
  std::vector<int64_t> kernel_size, strides, dilation_rate;
  std::string padding = "valid";
  std::string data_format = "channels_last";
  int64_t groups = 1;
  activations::Activation activation{};
  bool use_bias = true;
  initializers::Initializer kernel_initializer = "glorot_uniform";
  initializers::Initializer bias_initializer = "zeros";
};

class BaseConv : public Layer {
 public:
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;

  const ConvConfig& config() const { return config_; }
  const Variable& kernel() const { return kernel_; }
  const Variable& bias() const { return bias_; }

 protected:
  BaseConv(std::string class_name, ConvConfig config, const LayerArgs& args);

 private:
  ConvConfig config_;
  Variable kernel_, bias_;
};

}  // namespace keras::layers
