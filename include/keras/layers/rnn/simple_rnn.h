// keras.layers.SimpleRNNCell and SimpleRNN (keras/src/layers/rnn/simple_rnn.py):
//   h_t = activation(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel)
// Weights: kernel (features, units), recurrent_kernel (units, units), bias (units).
//
//   layers::SimpleRNN(32, {.return_sequences = true});
#pragma once

#include "keras/layers/rnn/rnn.h"

namespace keras::layers {

struct SimpleRNNCellOptions {
  activations::Activation activation = "tanh";
  bool use_bias = true;
  initializers::Initializer kernel_initializer = "glorot_uniform";
  initializers::Initializer recurrent_initializer = "orthogonal";
  initializers::Initializer bias_initializer = "zeros";
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer recurrent_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint recurrent_constraint{};
  constraints::Constraint bias_constraint{};
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  std::optional<uint64_t> seed{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class SimpleRNNCell : public Concrete<SimpleRNNCell, RNNCell> {
 public:
  explicit SimpleRNNCell(int64_t units, SimpleRNNCellOptions options = {});
  void build(const Shape& input_shape) override;
  Tensor project_inputs(const Tensor& x) const override;
  TensorList step(const Tensor& projected, const TensorList& states, const Tensor& recurrent_mask) const override;
  FusedRecurrence fused() const override;
  const SimpleRNNCellOptions& options() const { return options_; }

 private:
  SimpleRNNCellOptions options_;
};

struct SimpleRNNOptions {
  activations::Activation activation = "tanh";
  bool use_bias = true;
  initializers::Initializer kernel_initializer = "glorot_uniform";
  initializers::Initializer recurrent_initializer = "orthogonal";
  initializers::Initializer bias_initializer = "zeros";
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer recurrent_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint recurrent_constraint{};
  constraints::Constraint bias_constraint{};
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  bool stateful = false;
  bool unroll = false;
  std::optional<uint64_t> seed{};
  bool zero_output_for_mask = false;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class SimpleRNN : public Concrete<SimpleRNN, RNN> {
 public:
  explicit SimpleRNN(int64_t units, SimpleRNNOptions options = {});
  const SimpleRNNCell& simple_cell() const { return static_cast<const SimpleRNNCell&>(cell()); }
};

}  // namespace keras::layers
