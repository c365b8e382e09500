// keras.layers.LSTMCell and LSTM (keras/src/layers/rnn/lstm.py). Gates in Keras's order
// i, f, c, o along the last axis of the weights:
//   z = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias
//   i = ra(z_i)  f = ra(z_f)  c_t = f * c_{t-1} + i * a(z_c)  o = ra(z_o)  h_t = o * a(c_t)
// (a = activation, tanh; ra = recurrent_activation, sigmoid). unit_forget_bias starts the
// forget gate's bias at 1. Weights: kernel (features, 4u), recurrent_kernel (u, 4u),
// bias (4u). States: {h, c}.
//
//   layers::LSTM(64);
//   layers::LSTM(64, {.return_sequences = true, .dropout = 0.2});
#pragma once

#include "keras/layers/rnn/rnn.h"

namespace keras::layers {

/// The arguments of LSTM and LSTMCell (one struct: the layer hands its cell the cell's part).
struct LSTMOptions {
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
  regularizers::Regularizer activity_regularizer{};  // the layer's, not the cell's
  constraints::Constraint kernel_constraint{};
  constraints::Constraint recurrent_constraint{};
  constraints::Constraint bias_constraint{};
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  std::optional<uint64_t> seed{};
  // the layer's arguments (RNNOptions); a cell takes none of them
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  bool stateful = false;
  bool unroll = false;
  bool zero_output_for_mask = false;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  /// The cell's keys, in Keras's get_config order.
  static constexpr auto cell_fields() {
    using O = LSTMOptions;
    return std::tuple{field("activation", &O::activation),
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
  /// Everything a config may set: the layer's keys and the cell's.
  static constexpr auto fields() { return std::tuple_cat(rnn_layer_fields<LSTMOptions>(), cell_fields()); }
};
using LSTMCellOptions = LSTMOptions;

class LSTMCell : public Concrete<LSTMCell, RNNCell> {
 public:
  using Options = LSTMOptions;
  explicit LSTMCell(int64_t units, LSTMOptions options = {});
  int num_states() const override { return 2; }
  void build(const Shape& input_shape) override;
  Tensor project_inputs(const Tensor& x) const override;
  TensorList step(const Tensor& projected, const TensorList& states, const DropoutMasks& masks) const override;
  FusedRecurrence fused() const override;
  const LSTMOptions& options() const { return options_; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

 private:
  LSTMOptions options_;
};

class LSTM : public Concrete<LSTM, RNN> {
 public:
  using Options = LSTMOptions;
  explicit LSTM(int64_t units, LSTMOptions options = {});
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const LSTMCell& lstm_cell() const { return static_cast<const LSTMCell&>(cell()); }
};

}  // namespace keras::layers
