#include "keras/layers/rnn/lstm.h"

#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers {

LSTMCell::LSTMCell(int64_t units, LSTMCellOptions o)
    : Concrete("LSTMCell", RecurrentCellArgs{units, o.dropout, o.recurrent_dropout, o.seed},
               LayerArgs{{}, o.name, o.dtype, o.trainable}),
      options_(std::move(o)) {}

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
  // Keras: concatenate(init((u,)), ones((u,)), init((2u,))).
  const initializers::Initializer base = options_.bias_initializer;
  const initializers::Initializer forget_ones(
      base.class_name(),
      [base, u](const Shape&, DType d) {
        return ops::concatenate({base(Shape{u}, d), Tensor::ones(Shape{u}, d), base(Shape{2 * u}, d)}, 0);
      },
      base.config());
  bias_ = add_weight("bias", Shape{4 * u}, forget_ones, true, options_.bias_regularizer,
                     options_.bias_constraint);
}

Tensor LSTMCell::project_inputs(const Tensor& x) const {
  const Tensor z = ops::matmul(x, kernel_);
  return options_.use_bias ? ops::add(z, bias_) : z;
}

TensorList LSTMCell::step(const Tensor& projected, const TensorList& states, const Tensor& recurrent_mask) const {
  const Tensor& c_prev = states[1];
  const Tensor h_prev = recurrent_mask.defined() ? ops::multiply(states[0], recurrent_mask) : states[0];
  const Tensor z = ops::add(projected, ops::matmul(h_prev, recurrent_kernel_));
  const int64_t u = units();
  const TensorList g = ops::split(z, {u, u, u, u}, -1);
  const auto& ra = options_.recurrent_activation;
  const Tensor c = ops::add(ops::multiply(ra(g[1]), c_prev), ops::multiply(ra(g[0]), options_.activation(g[2])));
  const Tensor h = ops::multiply(ra(g[3]), options_.activation(c));
  return {h, c};
}

FusedRecurrence LSTMCell::fused() const {
  return options_.activation.is_builtin("tanh") && options_.recurrent_activation.is_builtin("sigmoid")
             ? FusedRecurrence::lstm
             : FusedRecurrence::none;
}

LSTM::LSTM(int64_t units, LSTMOptions o)
    : Concrete("LSTM",
               std::make_shared<LSTMCell>(
                   units, LSTMCellOptions{.activation = o.activation,
                                          .recurrent_activation = o.recurrent_activation,
                                          .use_bias = o.use_bias,
                                          .kernel_initializer = o.kernel_initializer,
                                          .recurrent_initializer = o.recurrent_initializer,
                                          .bias_initializer = o.bias_initializer,
                                          .unit_forget_bias = o.unit_forget_bias,
                                          .kernel_regularizer = o.kernel_regularizer,
                                          .recurrent_regularizer = o.recurrent_regularizer,
                                          .bias_regularizer = o.bias_regularizer,
                                          .kernel_constraint = o.kernel_constraint,
                                          .recurrent_constraint = o.recurrent_constraint,
                                          .bias_constraint = o.bias_constraint,
                                          .dropout = o.dropout,
                                          .recurrent_dropout = o.recurrent_dropout,
                                          .seed = o.seed,
                                          .name = "lstm_cell",
                                          .dtype = o.dtype,
                                          .trainable = o.trainable}),
               RNNOptions{o.return_sequences, o.return_state, o.go_backwards, o.stateful, o.unroll,
                          o.zero_output_for_mask, o.input_shape, o.name, o.dtype, o.trainable}) {
  set_activity_regularizer(o.activity_regularizer);
}

}  // namespace keras::layers
