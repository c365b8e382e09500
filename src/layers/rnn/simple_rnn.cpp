#include "keras/layers/rnn/simple_rnn.h"

#include "keras/ops/math.h"

namespace keras::layers {

SimpleRNNCell::SimpleRNNCell(int64_t units, SimpleRNNCellOptions o)
    : Concrete("SimpleRNNCell", RecurrentCellArgs{units, o.dropout, o.recurrent_dropout, o.seed},
               LayerArgs{{}, o.name, o.dtype, o.trainable}),
      options_(std::move(o)) {}

void SimpleRNNCell::build(const Shape& input_shape) {
  kernel_ = add_weight("kernel", Shape{input_shape.dim(-1), units()}, options_.kernel_initializer);
  recurrent_kernel_ = add_weight("recurrent_kernel", Shape{units(), units()}, options_.recurrent_initializer);
  if (options_.use_bias) bias_ = add_weight("bias", Shape{units()}, options_.bias_initializer);
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
                   units, SimpleRNNCellOptions{o.activation, o.use_bias, o.kernel_initializer, o.recurrent_initializer,
                                               o.bias_initializer, o.dropout, o.recurrent_dropout, o.seed,
                                               "simple_rnn_cell", o.dtype, o.trainable}),
               RNNOptions{o.return_sequences, o.return_state, o.go_backwards, o.stateful, o.unroll,
                          o.zero_output_for_mask, o.input_shape, o.name, o.dtype, o.trainable}) {}

}  // namespace keras::layers
