// The base of the recurrent cells SimpleRNNCell, LSTMCell and GRUCell (Keras keeps their
// math in keras/src/layers/rnn/{simple_rnn,lstm,gru}.py, their dropout in
// dropout_rnn_cell.py). A cell's step is split in two so that a whole sequence's input
// half is one matmul:
//   project_inputs(x)        x @ kernel (+ the input bias), every step at once;
//   step(projected, states)  the recurrence of one step, returning the new states
//                            (the first is the step's output).
// A cell is a layer that owns kernel, recurrent_kernel and bias. Called directly it runs
// one step, as in Keras: cell({x_t, h, c}) returns {output, h, c}.
#pragma once

#include "keras/activations/activations.h"
#include "keras/layers/layer.h"
#include "keras/ops/rnn.h"
#include "keras/random/random.h"

namespace keras::layers {

/// Which fused whole-sequence kernel (oneDNN on CPU) can run a cell, if any.
using FusedRecurrence = ops::RecurrenceKind;

/// The arguments every cell shares (the tail of each cell's options).
struct RecurrentCellArgs {
  int64_t units = 0;
  double dropout = 0.0;
  double recurrent_dropout = 0.0;
  std::optional<uint64_t> seed{};
};

class RNNCell : public Layer {
 public:
  int64_t units() const { return args_.units; }
  double dropout() const { return args_.dropout; }
  double recurrent_dropout() const { return args_.recurrent_dropout; }
  const std::optional<uint64_t>& seed() const { return args_.seed; }
  /// 1, or 2 for LSTM (h, c).
  virtual int num_states() const { return 1; }

  /// x (..., features) @ kernel (+ input bias): (..., gates * units).
  virtual Tensor project_inputs(const Tensor& x) const = 0;
  /// One step: new states from the projected input (batch, gates * units) and the
  /// previous states. `recurrent_mask` (batch, units), when defined, is the recurrent
  /// dropout applied to h before it meets the recurrent kernel.
  virtual TensorList step(const Tensor& projected, const TensorList& states, const Tensor& recurrent_mask) const = 0;
  /// The fused kernel that computes the same numbers, or none.
  virtual FusedRecurrence fused() const { return FusedRecurrence::none; }
  /// The bias in the fused kernel's layout (zeros without use_bias).
  virtual Tensor fused_bias() const;

  const Variable& kernel() const { return kernel_; }
  const Variable& recurrent_kernel() const { return recurrent_kernel_; }
  const Variable& bias() const { return bias_; }  // undefined without use_bias
  /// Seeds for this call's dropout masks.
  uint64_t next_seed() { return seeds_.next(); }

  void build(const std::vector<Shape>& input_shapes) override;
  void build(const Shape& input_shape) override = 0;
  /// One step on {x_t, states...}: {output, new states...}.
  TensorList call(const TensorList& inputs, const CallContext& ctx) override;
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;

 protected:
  RNNCell(std::string class_name, RecurrentCellArgs args, const LayerArgs& layer_args);
  /// Validates the activation names against the step functions.
  void check_units_and_rates() const;

  RecurrentCellArgs args_;
  random::SeedGenerator seeds_;
  Variable kernel_, recurrent_kernel_, bias_;
};

}  // namespace keras::layers
