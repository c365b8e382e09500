// What ConvLSTM1D, ConvLSTM2D and ConvLSTM3D share (keras/src/layers/rnn/conv_lstm.py):
// ConvLSTMCell, an LSTM cell whose input and recurrent transformations are convolutions,
// and ConvLSTM<N>, the RNN that runs it. Gates in Keras's order i, f, c, o along the
// last axis of the weights:
//   z = conv(x_t, kernel; strides, padding, dilation_rate) + bias
//       + conv(h_{t-1}, recurrent_kernel; stride 1, "same")
//   i = ra(z_i)  f = ra(z_f)  c_t = f * c_{t-1} + i * a(z_c)  o = ra(z_o)  h_t = o * a(c_t)
// Weights (the cell's): kernel (*kernel_size, channels, 4 * filters), recurrent_kernel
// (*kernel_size, filters, 4 * filters), bias (4 * filters; the forget part starts at one
// with unit_forget_bias). States h and c: (batch, *conv_output_spatial, filters)
// (channels_first: (batch, filters, *spatial)).
// Dropout draws four masks per call for the input and four for h, one per gate, as
// Keras's cell does (dropout_mask_count = 4); each gate's convolution sees its own masked
// copy (one grouped convolution over the four copies side by side).
// The leaves (conv_lstm1d.h, conv_lstm2d.h, conv_lstm3d.h) only name the rank.
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/rnn/rnn.h"

namespace keras::layers {

/// Everything a ConvLSTMCell needs, with one entry per spatial dimension.
struct ConvLSTMCellConfig {
  int rank = 2;
  int64_t filters = 0;
  std::vector<int64_t> kernel_size{}, strides{}, dilation_rate{};
  std::string padding = "valid";
  std::string data_format = "channels_last";
  activations::Activation activation = "tanh";
  activations::Activation recurrent_activation = "sigmoid";
  bool use_bias = true;
  initializers::Initializer kernel_initializer = "glorot_uniform";
  initializers::Initializer recurrent_initializer = "orthogonal";
  initializers::Initializer bias_initializer = "zeros";
  bool unit_forget_bias = true;
  regularizers::Regularizer kernel_regularizer{}, recurrent_regularizer{}, bias_regularizer{};
  constraints::Constraint kernel_constraint{}, recurrent_constraint{}, bias_constraint{};
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  std::optional<uint64_t> seed{};
};

/// Keras's ConvLSTMCell (not exported by Keras: it lives inside a ConvLSTM layer).
class ConvLSTMCell : public Concrete<ConvLSTMCell, RNNCell> {
 public:
  ConvLSTMCell(ConvLSTMCellConfig config, const LayerArgs& args);

  int num_states() const override { return 2; }
  int step_input_rank() const override { return config_.rank + 2; }
  std::vector<Shape> state_shapes(const Shape& step_input) const override;
  Shape output_shape(const Shape& step_input) const override;
  DropoutMasks dropout_masks(const Shape& step_input) override;
  Tensor drop_inputs(const Tensor& x, const DropoutMasks& masks) const override;
  /// x (batch, [time,] ...) in the data format: the four gates' input convolutions plus
  /// bias, channels-last (batch, [time,] *out_spatial, 4 * filters), step()'s input.
  Tensor project_inputs(const Tensor& x) const override;
  TensorList step(const Tensor& projected, const TensorList& states, const DropoutMasks& masks) const override;
  void build(const Shape& input_shape) override;
  Config get_config() const override;

  const ConvLSTMCellConfig& config() const { return config_; }
  int64_t filters() const { return config_.filters; }

 private:
  bool channels_first() const { return config_.data_format == "channels_first"; }
  /// The channel axis of a tensor of rank `rank` in the data format.
  int64_t channel_axis(int64_t rank) const { return channels_first() ? rank - config_.rank - 1 : -1; }

  ConvLSTMCellConfig config_;
};

/// The keyword arguments of ConvLSTM1D, ConvLSTM2D and ConvLSTM3D (Keras's __init__
/// order, then the RNN arguments they pass on).
template <size_t N>
struct ConvLSTMOptions {
  SizeN<N> strides = 1;
  std::string padding = "valid";
  std::string data_format = "channels_last";
  SizeN<N> dilation_rate = 1;
  activations::Activation activation = "tanh";
  activations::Activation recurrent_activation = "sigmoid";
  bool use_bias = true;
  initializers::Initializer kernel_initializer = "glorot_uniform";
  initializers::Initializer recurrent_initializer = "orthogonal";
  initializers::Initializer bias_initializer = "zeros";
  bool unit_forget_bias = true;
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer recurrent_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint recurrent_constraint{};
  constraints::Constraint bias_constraint{};
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  std::optional<uint64_t> seed{};
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  bool stateful = false;
  bool unroll = false;                // RNN's, through **kwargs
  bool zero_output_for_mask = false;  // RNN's, through **kwargs
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  /// The keys after filters and kernel_size, in Keras's get_config order.
  static constexpr auto conv_fields() {
    using O = ConvLSTMOptions;
    return std::tuple{field("strides", &O::strides),
                      field("padding", &O::padding),
                      field("data_format", &O::data_format),
                      field("dilation_rate", &O::dilation_rate),
                      field("activation", &O::activation),
                      field("recurrent_activation", &O::recurrent_activation),
                      field("use_bias", &O::use_bias),
                      field("kernel_initializer", &O::kernel_initializer),
                      field("recurrent_initializer", &O::recurrent_initializer),
                      field("bias_initializer", &O::bias_initializer),
                      field("unit_forget_bias", &O::unit_forget_bias),
                      field("kernel_regularizer", &O::kernel_regularizer),
                      field("recurrent_regularizer", &O::recurrent_regularizer),
                      field("bias_regularizer", &O::bias_regularizer),
                      field("activity_regularizer", &O::activity_regularizer),
                      field("kernel_constraint", &O::kernel_constraint),
                      field("recurrent_constraint", &O::recurrent_constraint),
                      field("bias_constraint", &O::bias_constraint),
                      field("dropout", &O::dropout),
                      field("recurrent_dropout", &O::recurrent_dropout),
                      field("seed", &O::seed)};
  }
  static constexpr auto fields() { return std::tuple_cat(rnn_layer_fields<ConvLSTMOptions>(), conv_fields()); }
};

/// The N-d ConvLSTM layer (Keras's ConvLSTM): an RNN over a ConvLSTMCell.
/// Input: (batch, time, *spatial, channels), or (batch, time, channels, *spatial) with
/// channels_first. Output: the last h (batch, *out_spatial, filters), every step's with
/// return_sequences (batch, time, ...), then h and c with return_state.
template <size_t N>
class ConvLSTM : public RNN {
 public:
  using Options = ConvLSTMOptions<N>;

  void build(const std::vector<Shape>& input_shapes) override;
  Config get_config() const override;

  int64_t filters() const { return conv_lstm_cell().filters(); }
  const SizeN<N>& kernel_size() const { return kernel_size_; }
  const Options& options() const { return options_; }
  const ConvLSTMCell& conv_lstm_cell() const { return static_cast<const ConvLSTMCell&>(cell()); }

 protected:
  ConvLSTM(std::string class_name, int64_t filters, SizeN<N> kernel_size, Options options);

 private:
  SizeN<N> kernel_size_;
  Options options_;
};

/// The from_config of ConvLSTM1D/2D/3D.
template <class Leaf, size_t N>
std::shared_ptr<Layer> conv_lstm_from_config(const Config& config);

}  // namespace keras::layers
