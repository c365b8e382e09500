// keras.layers.RNN (keras/src/layers/rnn/rnn.py): runs a recurrent cell over the time
// axis of (batch, time, features) (ConvLSTM: (batch, time, *spatial, channels)). The
// base of SimpleRNN, LSTM, GRU and ConvLSTM1D/2D/3D, and usable with any cell or list of
// cells: layers::RNN(layers::LSTMCell(32)), layers::RNN({gru_cell, lstm_cell}).
//
// Args: return_sequences (every step's output, (batch, time, units), instead of the
//   last, (batch, units)); return_state (also the final states); go_backwards (process
//   the sequence from the end and return the reversed sequence); stateful (a batch
//   starts from the states the previous batch ended with; reset_states() clears them);
//   unroll (accepted; the numbers are the same); zero_output_for_mask (masked steps
//   output zeros instead of the carried output).
// Call: a mask (batch, time) skips steps: the states carry over and the output is the
//   carried one (or zeros). initial_state gives the starting states.
//
// Unmasked sequences whose cell has a fused kernel (tanh/sigmoid LSTM and GRU with
// reset_after, tanh/relu SimpleRNN) run in one oneDNN RNN primitive, forward and
// backward; everything else runs step by step on ops with the same numbers.
#pragma once

#include "keras/layers/rnn/rnn_cell.h"

namespace keras::layers {

struct RNNOptions {
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

  static constexpr auto fields() { return rnn_layer_fields<RNNOptions>(); }
};

/// The layer arguments (RNNOptions) within a recurrent layer's options.
template <class O>
RNNOptions rnn_options_of(const O& o) {
  return RNNOptions{o.return_sequences, o.return_state, o.go_backwards, o.stateful, o.unroll,
                    o.zero_output_for_mask, o.input_shape, o.name, o.dtype, o.trainable};
}

/// Whether options given to a cell set arguments only its layer takes.
template <class O>
bool sets_layer_arguments(const O& o) {
  return o.return_sequences || o.return_state || o.go_backwards || o.stateful || o.unroll || o.zero_output_for_mask ||
         o.input_shape.has_value() || static_cast<bool>(o.activity_regularizer);
}

/// What a recurrent layer hands its cell: its options without the layer's own
/// arguments, and the cell's Keras name.
template <class O>
O cell_options_of(O o, const char* cell_name) {
  o.return_sequences = o.return_state = o.go_backwards = o.stateful = o.unroll = o.zero_output_for_mask = false;
  o.input_shape.reset();
  o.activity_regularizer = {};
  o.name = cell_name;
  return o;
}

class RNN : public Concrete<RNN> {
 public:
  RNN(std::shared_ptr<RNNCell> cell, RNNOptions options = {});
  /// Keras's RNN([cells]): the cells stacked in a StackedRNNCells.
  RNN(std::vector<std::shared_ptr<RNNCell>> cells, RNNOptions options = {});
  template <class C>
    requires std::derived_from<std::decay_t<C>, RNNCell>
  explicit RNN(C&& cell, RNNOptions options = {})
      : RNN(std::make_shared<std::decay_t<C>>(std::forward<C>(cell)), std::move(options)) {}

  void build(const std::vector<Shape>& input_shapes) override;
  TensorList call(const TensorList& inputs, const CallContext& ctx) override;
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  /// The sequence output keeps the input's mask; the last output and the states have none.
  TensorList compute_mask(const TensorList& inputs, const TensorList& masks, size_t num_outputs) override;
  std::vector<std::pair<std::string, std::shared_ptr<Layer>>> named_sublayers() const override {
    return {{"cell", cell_}};
  }

  const RNNCell& cell() const { return *cell_; }
  const std::shared_ptr<RNNCell>& cell_ptr() const { return cell_; }
  const RNNOptions& rnn_options() const { return rnn_options_; }
  /// Stateful layers: forgets the carried states (the next batch starts from zeros).
  void reset_states() { states_.clear(); }
  /// The states a stateful layer carries (empty before its first batch).
  const TensorList& states() const { return states_; }
  /// Keras's use_cudnn: false forces the per-step path even where a fused kernel fits.
  void set_use_fused_kernel(bool use) { use_fused_kernel_ = use; }
  bool use_fused_kernel() const { return use_fused_kernel_; }

 protected:
  RNN(std::string class_name, std::shared_ptr<RNNCell> cell, RNNOptions options);

 private:
  /// The initial states for steps of shape `step`: given, carried (stateful) or zeros.
  TensorList initial_states(const TensorList& given, const Shape& step) const;
  /// Runs the cell step by step. Returns {sequence (processing order), last output, states...}.
  TensorList run_steps(const Tensor& x, TensorList states, const Tensor& mask, const DropoutMasks& dropout) const;

  std::shared_ptr<RNNCell> cell_;
  RNNOptions rnn_options_;
  TensorList states_;
  bool use_fused_kernel_ = true;
};

}  // namespace keras::layers
