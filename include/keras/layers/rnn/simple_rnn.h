// keras.layers.SimpleRNNCell and SimpleRNN (keras/src/layers/rnn/simple_rnn.py):
//   h_t = activation(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel)
// Weights: kernel (features, units), recurrent_kernel (units, units), bias (units).
//
//   layers::SimpleRNN(32, {.return_sequences = true});
#pragma once

#include "keras/layers/rnn/rnn.h"

namespace keras::layers {

/// The arguments of SimpleRNN and SimpleRNNCell (one struct: the layer hands its cell the cell's part).
struct SimpleRNNOptions {
  activations::Activation activation = "tanh";
  bool use_bias = true;
  initializers::Initializer kernel_initializer = "glorot_uniform";
  initializers::Initializer recurrent_initializer = "orthogonal";
  initializers::Initializer bias_initializer = "zeros";
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer recurrent_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};  // the layer's, not the cell's
  constraints::Constraint kernel_constraint{};
  constraints::Constraint recurrent_constraint{};
  constraints::Constraint bias_constraint{};
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  // the layer's arguments (RNNOptions); a cell takes none of them
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  bool stateful = false;
  bool unroll = false;
  std::optional<uint64_t> seed{};  // a cell argument, in Keras's __init__ order
  bool zero_output_for_mask = false;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  /// The cell's keys, in Keras's get_config order (Keras writes no seed for SimpleRNN).
  static constexpr auto cell_fields() {
    using O = SimpleRNNOptions;
    return std::tuple{field("activation", &O::activation),
                      field("use_bias", &O::use_bias),
                      field("kernel_initializer", &O::kernel_initializer),
                      field("recurrent_initializer", &O::recurrent_initializer),
                      field("bias_initializer", &O::bias_initializer),
                      field("kernel_regularizer", &O::kernel_regularizer),
                      field("recurrent_regularizer", &O::recurrent_regularizer),
                      field("bias_regularizer", &O::bias_regularizer),
                      field("activity_regularizer", &O::activity_regularizer),
                      field("kernel_constraint", &O::kernel_constraint),
                      field("recurrent_constraint", &O::recurrent_constraint),
                      field("bias_constraint", &O::bias_constraint),
                      field("dropout", &O::dropout),
                      field("recurrent_dropout", &O::recurrent_dropout)};
  }
  /// Everything a config may set: the layer's keys and the cell's.
  static constexpr auto fields() { return std::tuple_cat(rnn_layer_fields<SimpleRNNOptions>(), cell_fields(), std::tuple{field("seed", &SimpleRNNOptions::seed)}); }
};
using SimpleRNNCellOptions = SimpleRNNOptions;

class SimpleRNNCell : public Concrete<SimpleRNNCell, RNNCell> {
 public:
  using Options = SimpleRNNOptions;
  explicit SimpleRNNCell(int64_t units, SimpleRNNOptions options = {});
  void build(const Shape& input_shape) override;
  Tensor project_inputs(const Tensor& x) const override;
  TensorList step(const Tensor& projected, const TensorList& states, const DropoutMasks& masks) const override;
  FusedRecurrence fused() const override;
  const SimpleRNNOptions& options() const { return options_; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

 private:
  SimpleRNNOptions options_;
};

class SimpleRNN : public Concrete<SimpleRNN, RNN> {
 public:
  using Options = SimpleRNNOptions;
  explicit SimpleRNN(int64_t units, SimpleRNNOptions options = {});
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const SimpleRNNCell& simple_cell() const { return static_cast<const SimpleRNNCell&>(cell()); }
};

}  // namespace keras::layers
