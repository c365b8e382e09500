#include "keras/layers/rnn/lstm.h"

#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "layers/rnn/rnn_config.h"

namespace keras::layers {

LSTMCell::LSTMCell(int64_t units, LSTMOptions o)
    : Concrete("LSTMCell", RecurrentCellArgs{units, o.dropout, o.recurrent_dropout, o.seed},
               LayerArgs{.name = o.name, .dtype = o.dtype, .trainable = o.trainable}),
      options_(std::move(o)) {
  if (sets_layer_arguments(options_))
    fail("LSTMCell takes only the cell's arguments: return_sequences, return_state, go_backwards, stateful, "
         "unroll, zero_output_for_mask, input_shape and activity_regularizer belong to the LSTM layer");
}

void LSTMCell::build(const Shape& input_shape) {
  const int64_t u = units();
  kernel_ = add_weight("kernel", Shape{input_shape.dim(-1), 4 * u}, options_.kernel_initializer, true,
                       options_.kernel_regularizer, options_.kernel_constraint);
  recurrent_kernel_ = add_weight("recurrent_kernel", Shape{u, 4 * u}, options_.recurrent_initializer, true,
                                 options_.recurrent_regularizer, options_.recurrent_constraint);
  if (!options_.use_bias) return;
  if (!options_.unit_forget_bias) {
    bias_ = add_weight("bias", Shape{4 * u}, options_.bias_initializer, true, options_.bias_regularizer,
                     options_.bias_constraint);
    return;
  }
  bias_ = add_weight("bias", Shape{4 * u}, forget_bias_initializer(options_.bias_initializer, u), true,
                     options_.bias_regularizer, options_.bias_constraint);
}

Tensor LSTMCell::project_inputs(const Tensor& x) const {
  const Tensor z = ops::matmul(x, kernel_);
  return options_.use_bias ? ops::add(z, bias_) : z;
}

TensorList LSTMCell::step(const Tensor& projected, const TensorList& states, const DropoutMasks& masks) const {
  const Tensor& c_prev = states[1];
  const Tensor h_prev = masks.recurrent.defined() ? ops::multiply(states[0], masks.recurrent) : states[0];
  const Tensor z = ops::add(projected, ops::matmul(h_prev, recurrent_kernel_));
  const int64_t u = units();
  const TensorList g = ops::split(z, {u, u, u, u}, -1);
  const auto& ra = options_.recurrent_activation;
  const Tensor c = ops::add(ops::multiply(ra(g[1]), c_prev), ops::multiply(ra(g[0]), options_.activation(g[2])));
  const Tensor h = ops::multiply(ra(g[3]), options_.activation(c));
  return {h, h, c};
}

FusedRecurrence LSTMCell::fused() const {
  return options_.activation.is_builtin("tanh") && options_.recurrent_activation.is_builtin("sigmoid")
             ? FusedRecurrence::lstm
             : FusedRecurrence::none;
}

LSTM::LSTM(int64_t units, LSTMOptions o)
    : Concrete("LSTM",
               std::make_shared<LSTMCell>(units, cell_options_of(o, "lstm_cell")), rnn_options_of(o)) {
  set_activity_regularizer(o.activity_regularizer);
}

// Keras writes one flat dict for the layer and the cell (src/layers/rnn/rnn_config.h).
Config LSTMCell::get_config() const { return cell_config(*this, options_); }
std::shared_ptr<Layer> LSTMCell::from_config(const Config& c) { return ConfigReader(c).make<LSTMCell, int64_t>("units"); }
Config LSTM::get_config() const { return recurrent_layer_config(*this, lstm_cell().options()); }
std::shared_ptr<Layer> LSTM::from_config(const Config& c) { return recurrent_layer_from_config<LSTM>(c); }

}  // namespace keras::layers
