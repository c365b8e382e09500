#include "keras/layers/rnn/simple_rnn.h"

#include "keras/ops/math.h"
#include "layers/rnn/rnn_config.h"

namespace keras::layers {

SimpleRNNCell::SimpleRNNCell(int64_t units, SimpleRNNOptions o)
    : Concrete("SimpleRNNCell", RecurrentCellArgs{units, o.dropout, o.recurrent_dropout, o.seed},
               LayerArgs{.name = o.name, .dtype = o.dtype, .trainable = o.trainable}),
      options_(std::move(o)) {
  if (sets_layer_arguments(options_))
    fail("SimpleRNNCell takes only the cell's arguments: return_sequences, return_state, go_backwards, stateful, "
         "unroll, zero_output_for_mask, input_shape and activity_regularizer belong to the SimpleRNN layer");
}

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

TensorList SimpleRNNCell::step(const Tensor& projected, const TensorList& states, const DropoutMasks& masks) const {
  const Tensor prev = masks.recurrent.defined() ? ops::multiply(states[0], masks.recurrent) : states[0];
  const Tensor h = options_.activation(ops::add(projected, ops::matmul(prev, recurrent_kernel_)));
  return {h, h};
}

FusedRecurrence SimpleRNNCell::fused() const {
  if (options_.activation.is_builtin("tanh")) return FusedRecurrence::simple_tanh;
  if (options_.activation.is_builtin("relu")) return FusedRecurrence::simple_relu;
  return FusedRecurrence::none;
}

SimpleRNN::SimpleRNN(int64_t units, SimpleRNNOptions o)
    : Concrete("SimpleRNN",
               std::make_shared<SimpleRNNCell>(units, cell_options_of(o, "simple_rnn_cell")), rnn_options_of(o)) {
  set_activity_regularizer(o.activity_regularizer);
}

// Keras writes one flat dict for the layer and the cell (src/layers/rnn/rnn_config.h).
Config SimpleRNNCell::get_config() const {
  Config c = cell_config(*this, options_);
  c["seed"] = config_value(options_.seed);  // the cell writes its seed, the SimpleRNN layer does not
  return c;
}
std::shared_ptr<Layer> SimpleRNNCell::from_config(const Config& c) { return ConfigReader(c).make<SimpleRNNCell, int64_t>("units"); }
Config SimpleRNN::get_config() const { return recurrent_layer_config(*this, simple_cell().options()); }
std::shared_ptr<Layer> SimpleRNN::from_config(const Config& c) { return recurrent_layer_from_config<SimpleRNN>(c); }

}  // namespace keras::layers
