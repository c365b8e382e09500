// keras.layers.GRUCell and GRU (keras/src/layers/rnn/gru.py). Gates in Keras's order
// z (update), r (reset), h (candidate):
//   z = ra(x W_z + b_z + h U_z)   r = ra(x W_r + b_r + h U_r)
//   reset_after=True (default, cuDNN's): hh = a(x W_h + b_h + r * (h U_h + b'_h)),
//     bias (2, 3u): row 0 for the input, row 1 for the recurrent projection;
//   reset_after=False: hh = a(x W_h + b_h + (r * h) U_h), bias (3u);
//   h_t = z * h_{t-1} + (1 - z) * hh.
// Weights: kernel (features, 3u), recurrent_kernel (u, 3u), bias.
//
//   layers::GRU(128, {.return_sequences = true});
#pragma once

#include "keras/layers/rnn/rnn.h"

namespace keras::layers {

struct GRUCellOptions {
  activations::Activation activation = "tanh";
  activations::Activation recurrent_activation = "sigmoid";
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
  bool reset_after = true;
  std::optional<uint64_t> seed{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class GRUCell : public Concrete<GRUCell, RNNCell> {
 public:
  explicit GRUCell(int64_t units, GRUCellOptions options = {});
  void build(const Shape& input_shape) override;
  Tensor project_inputs(const Tensor& x) const override;
  TensorList step(const Tensor& projected, const TensorList& states, const Tensor& recurrent_mask) const override;
  FusedRecurrence fused() const override;
  /// [b_z, b_r, b_h, b'_h] with the input and recurrent biases of z and r summed.
  Tensor fused_bias() const override;
  const GRUCellOptions& options() const { return options_; }

 private:
  GRUCellOptions options_;
};

struct GRUOptions {
  activations::Activation activation = "tanh";
  activations::Activation recurrent_activation = "sigmoid";
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
  std::optional<uint64_t> seed{};
  bool return_sequences = false;
  bool return_state = false;
  bool go_backwards = false;
  bool stateful = false;
  bool unroll = false;
  bool reset_after = true;
  bool zero_output_for_mask = false;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class GRU : public Concrete<GRU, RNN> {
 public:
  explicit GRU(int64_t units, GRUOptions options = {});
  const GRUCell& gru_cell() const { return static_cast<const GRUCell&>(cell()); }
};

}  // namespace keras::layers
