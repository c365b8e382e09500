#include "keras/layers/rnn/simple_rnn.h"

#include "keras/ops/math.h"

namespace keras::layers {

SimpleRNNCell::SimpleRNNCell(int64_t units, SimpleRNNCellOptions o)
    : Concrete("SimpleRNNCell", RecurrentCellArgs{units, o.dropout, o.recurrent_dropout, o.seed},
               LayerArgs{{}, o.name, o.dtype, o.trainable}),
      options_(std::move(o)) {}

void SimpleRNNCell::build(const Shape& input_shape) {
  kernel_ = add_weight("kernel", Shape{input_shape.dim(-1), units()}, options_.kernel_initializer, true,
                       options_.kernel_regularizer, options_.kernel_constraint);
  recurrent_kernel_ = add_weight("recurrent_kernel", Shape{units(), units()}, options_.recurrent_initializer, true,
                                 options_.recurrent_regularizer, options_.recurrent_constraint);
  if (options_.use_bias)
    bias_ = add_weight("bias", Shape{units()}, options_.bias_initializer, true, options_.bias_regularizer,
                       options_.bias_constraint);
}

Tensor SimpleRNNCell::project_inputs(const Tensor& x) const {
  const Tensor h = ops::matmul(x, kernel_);
  return options_.use_bias ? ops::add(h, bias_) : h;
}

TensorList SimpleRNNCell::step(const Tensor& projected, const TensorList& states, const Tensor& recurrent_mask) const {
  const Tensor prev = recurrent_mask.defined() ? ops::multiply(states[0], recurrent_mask) : states[0];
  return {options_.activation(ops::add(projected, ops::matmul(prev, recurrent_kernel_)))};
}

FusedRecurrence SimpleRNNCell::fused() const {
  if (options_.activation.is_builtin("tanh")) return FusedRecurrence::simple_tanh;
  if (options_.activation.is_builtin("relu")) return FusedRecurrence::simple_relu;
  return FusedRecurrence::none;
}

SimpleRNN::SimpleRNN(int64_t units, SimpleRNNOptions o)
    : Concrete("SimpleRNN",
               std::make_shared<SimpleRNNCell>(
                   units, SimpleRNNCellOptions{.activation = o.activation,
                                               .use_bias = o.use_bias,
                                               .kernel_initializer = o.kernel_initializer,
                                               .recurrent_initializer = o.recurrent_initializer,
                                               .bias_initializer = o.bias_initializer,
                                               .kernel_regularizer = o.kernel_regularizer,
                                               .recurrent_regularizer = o.recurrent_regularizer,
                                               .bias_regularizer = o.bias_regularizer,
                                               .kernel_constraint = o.kernel_constraint,
                                               .recurrent_constraint = o.recurrent_constraint,
                                               .bias_constraint = o.bias_constraint,
                                               .dropout = o.dropout,
                                               .recurrent_dropout = o.recurrent_dropout,
                                               .seed = o.seed,
                                               .name = "simple_rnn_cell",
                                               .dtype = o.dtype,
                                               .trainable = o.trainable}),
               RNNOptions{o.return_sequences, o.return_state, o.go_backwards, o.stateful, o.unroll,
                          o.zero_output_for_mask, o.input_shape, o.name, o.dtype, o.trainable}) {
  set_activity_regularizer(o.activity_regularizer);
}

}  // namespace keras::layers
