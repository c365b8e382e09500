// The base of the recurrent cells SimpleRNNCell, LSTMCell, GRUCell, ConvLSTMCell and
// StackedRNNCells (Keras keeps their math in keras/src/layers/rnn/{simple_rnn,lstm,gru,
// conv_lstm,stacked_rnn_cells}.py, their dropout in dropout_rnn_cell.py). A cell's step
// is split in two so that a whole sequence's input half is one matmul (or convolution):
//   project_inputs(x)        x @ kernel (+ the input bias), every step at once;
//   step(projected, states)  the recurrence of one step: {output, new states...}.
// A step's input is (batch, features) for the dense cells, (batch, *spatial, channels)
// for ConvLSTMCell; state_shapes() and output_shape() say what comes out. A cell is a
// layer that owns kernel, recurrent_kernel and bias. Called directly it runs one step,
// as in Keras: cell({x_t, h, c}) returns {output, h, c}.
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
  /// How errors name `units` (ConvLSTM's is `filters`).
  const char* units_name = "units";
};

/// One call's dropout masks (Keras's DropoutRNNCell: drawn once per call, the same at
/// every step); undefined where there is none.
struct DropoutMasks {
  Tensor input;                       // multiplies each step's input (drop_inputs)
  Tensor recurrent;                   // multiplies h before the recurrent kernel
  std::vector<DropoutMasks> cells{};  // StackedRNNCells: each cell's own
};

class RNNCell : public Layer {
 public:
  int64_t units() const { return args_.units; }
  double dropout() const { return args_.dropout; }
  double recurrent_dropout() const { return args_.recurrent_dropout; }
  const std::optional<uint64_t>& seed() const { return args_.seed; }
  /// 1, or 2 for LSTM (h, c); StackedRNNCells: all its cells' together.
  virtual int num_states() const { return 1; }
  /// The rank of one step's input, batch included: 2, or ConvLSTM's rank + 2.
  virtual int step_input_rank() const { return 2; }
  /// The shapes of the states for one step's input shape: (batch, units) each.
  virtual std::vector<Shape> state_shapes(const Shape& step_input) const;
  /// The shape of a step's output: (batch, units).
  virtual Shape output_shape(const Shape& step_input) const { return Shape{step_input[0], units()}; }

  /// Draws one call's dropout masks for steps of this shape (training only): the input
  /// mask shaped like a step's input, the recurrent one like h.
  virtual DropoutMasks dropout_masks(const Shape& step_input);
  /// `x` (batch, [time,] ...) times the input mask of `masks` (the same at every step).
  virtual Tensor drop_inputs(const Tensor& x, const DropoutMasks& masks) const;
  /// x (..., features) @ kernel (+ input bias): (..., gates * units).
  virtual Tensor project_inputs(const Tensor& x) const = 0;
  /// One step: {output, new states...} from the projected input (batch, gates * units)
  /// and the previous states. `masks.recurrent`, when defined, is the recurrent dropout
  /// applied to h before it meets the recurrent kernel.
  virtual TensorList step(const Tensor& projected, const TensorList& states, const DropoutMasks& masks) const = 0;
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
  /// Checks units and the dropout rates, in Keras's wording.
  void check_units_and_rates() const;

  RecurrentCellArgs args_;
  random::SeedGenerator seeds_;
  Variable kernel_, recurrent_kernel_, bias_;
};

}  // namespace keras::layers
