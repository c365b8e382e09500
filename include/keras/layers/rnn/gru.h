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

/// The arguments of GRU and GRUCell (one struct: the layer hands its cell the cell's part).
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
  bool reset_after = true;  // a cell argument, in Keras's __init__ order
  bool zero_output_for_mask = false;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  /// The cell's keys, in Keras's get_config order.
  static constexpr auto cell_fields() {
    using O = GRUOptions;
    return std::tuple{field("activation", &O::activation),
                      field("recurrent_activation", &O::recurrent_activation),
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
                      field("recurrent_dropout", &O::recurrent_dropout),
                      field("reset_after", &O::reset_after),
                      field("seed", &O::seed)};
  }
  /// Everything a config may set: the layer's keys and the cell's.
  static constexpr auto fields() { return std::tuple_cat(rnn_layer_fields<GRUOptions>(), cell_fields()); }
};
using GRUCellOptions = GRUOptions;

class GRUCell : public Concrete<GRUCell, RNNCell> {
 public:
  using Options = GRUOptions;
  explicit GRUCell(int64_t units, GRUOptions options = {});
  void build(const Shape& input_shape) override;
  Tensor project_inputs(const Tensor& x) const override;
  TensorList step(const Tensor& projected, const TensorList& states, const DropoutMasks& masks) const override;
  FusedRecurrence fused() const override;
  /// [b_z, b_r, b_h, b'_h] with the input and recurrent biases of z and r summed.
  Tensor fused_bias() const override;
  const GRUOptions& options() const { return options_; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

 private:
  GRUOptions options_;
};

class GRU : public Concrete<GRU, RNN> {
 public:
  using Options = GRUOptions;
  explicit GRU(int64_t units, GRUOptions options = {});
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const GRUCell& gru_cell() const { return static_cast<const GRUCell&>(cell()); }
};

}  // namespace keras::layers
