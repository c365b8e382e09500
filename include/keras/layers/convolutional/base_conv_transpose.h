// What the transposed convolutions share (keras/src/layers/convolutional/base_conv_transpose.py):
// argument checks, the weights, output shapes and the call through ops::conv_transpose.
// Weights: kernel (*kernel_size, filters, in_channels), bias (filters). The leaves
// (Conv1DTranspose, Conv2DTranspose, Conv3DTranspose) only translate options.
#pragma once

#include "keras/activations/activations.h"
#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

/// Everything a BaseConvTranspose needs, with one entry per spatial dimension.
struct ConvTransposeConfig {
  int rank = 2;
  int64_t filters = 0;
  std::vector<int64_t> kernel_size, strides, dilation_rate;
  std::string padding = "valid";
  std::vector<int64_t> output_padding{};  // empty: Keras's None (inferred)
  std::string data_format = "channels_last";
  activations::Activation activation{};
  bool use_bias = true;
  initializers::Initializer kernel_initializer = "glorot_uniform";
  initializers::Initializer bias_initializer = "zeros";
  regularizers::Regularizer kernel_regularizer{}, bias_regularizer{}, activity_regularizer{};
  constraints::Constraint kernel_constraint{}, bias_constraint{};
};

/// The keyword arguments of Conv1DTranspose, Conv2DTranspose and Conv3DTranspose, one
/// struct for the three ranks. output_padding is Keras's None when empty; give it as
/// `.output_padding = 1` or `.output_padding = Size2{1, 0}`.
template <size_t N>
struct ConvTransposeOptions {
  SizeN<N> strides = 1;
  std::string padding = "valid";
  std::optional<SizeN<N>> output_padding{};
  std::string data_format = "channels_last";
  SizeN<N> dilation_rate = 1;
  activations::Activation activation{};
  bool use_bias = true;
  initializers::Initializer kernel_initializer = "glorot_uniform";
  initializers::Initializer bias_initializer = "zeros";
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint bias_constraint{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  /// get_config writes filters and kernel_size first, then these in this order.
  static constexpr auto fields() {
    using O = ConvTransposeOptions;
    return std::tuple{field("strides", &O::strides),
                      field("padding", &O::padding),
                      field("output_padding", &O::output_padding),
                      field("data_format", &O::data_format),
                      field("dilation_rate", &O::dilation_rate),
                      field("activation", &O::activation),
                      field("use_bias", &O::use_bias),
                      field("kernel_initializer", &O::kernel_initializer),
                      field("bias_initializer", &O::bias_initializer),
                      field("kernel_regularizer", &O::kernel_regularizer),
                      field("bias_regularizer", &O::bias_regularizer),
                      field("activity_regularizer", &O::activity_regularizer),
                      field("kernel_constraint", &O::kernel_constraint),
                      field("bias_constraint", &O::bias_constraint)};
  }
};

/// The BaseConvTranspose config of a transposed convolution of rank N.
template <size_t N>
ConvTransposeConfig conv_transpose_config(int64_t filters, const SizeN<N>& kernel_size,
                                          const ConvTransposeOptions<N>& o) {
  return ConvTransposeConfig{.rank = static_cast<int>(N),
                             .filters = filters,
                             .kernel_size = kernel_size.vec(),
                             .strides = o.strides.vec(),
                             .dilation_rate = o.dilation_rate.vec(),
                             .padding = o.padding,
                             .output_padding = o.output_padding ? o.output_padding->vec() : std::vector<int64_t>{},
                             .data_format = o.data_format,
                             .activation = o.activation,
                             .use_bias = o.use_bias,
                             .kernel_initializer = o.kernel_initializer,
                             .bias_initializer = o.bias_initializer,
                             .kernel_regularizer = o.kernel_regularizer,
                             .bias_regularizer = o.bias_regularizer,
                             .activity_regularizer = o.activity_regularizer,
                             .kernel_constraint = o.kernel_constraint,
                             .bias_constraint = o.bias_constraint};
}

/// The from_config of Conv1DTranspose/2D/3D.
template <class Leaf, size_t N>
std::shared_ptr<Layer> conv_transpose_from_config(const Config& config);

class BaseConvTranspose : public Layer {
 public:
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;

  const ConvTransposeConfig& config() const { return config_; }

 protected:
  BaseConvTranspose(std::string class_name, ConvTransposeConfig config, const LayerArgs& args);

 private:
  bool channels_first() const { return config_.data_format == "channels_first"; }

  ConvTransposeConfig config_;
  Variable kernel_, bias_;
};

}  // namespace keras::layers
