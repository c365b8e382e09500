#include "keras/layers/rnn/rnn_cell.h"

#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"

namespace keras::layers {

using keras::detail::cat;

RNNCell::RNNCell(std::string class_name, RecurrentCellArgs args, const LayerArgs& layer_args)
    : Layer(std::move(class_name), layer_args), args_(args), seeds_(args.seed) {
  check_units_and_rates();
}

void RNNCell::check_units_and_rates() const {
  if (args_.units <= 0)
    fail(cat("Received an invalid value for argument `", args_.units_name, "`, expected a positive integer, got ",
             args_.units));
  if (!(args_.dropout >= 0.0 && args_.dropout < 1.0))
    fail(cat("Invalid value received for argument `dropout`: expected a float in [0, 1), got ", args_.dropout));
  if (!(args_.recurrent_dropout >= 0.0 && args_.recurrent_dropout < 1.0))
    fail(cat("Invalid value received for argument `recurrent_dropout`: expected a float in [0, 1), got ",
             args_.recurrent_dropout));
}

Tensor RNNCell::fused_bias() const {
  return bias_.defined() ? bias_.value()
                         : Tensor::zeros(Shape{kernel_.shape().dim(-1)}, compute_dtype(), kernel_.device());
}

void RNNCell::build(const std::vector<Shape>& input_shapes) {
  if (input_shapes.empty()) fail("A recurrent cell needs an input");
  const Shape& x = input_shapes[0];
  if (step_input_rank() == 2 && (x.rank() < 2 || x.dim(-1) == kNone))
    fail(cat("A recurrent cell's input must be (batch, features) with known features; got ", x.to_string()));
  build(x);
}

std::vector<Shape> RNNCell::state_shapes(const Shape& step_input) const {
  return std::vector<Shape>(static_cast<size_t>(num_states()), Shape{step_input[0], units()});
}

DropoutMasks RNNCell::dropout_masks(const Shape& step_input) {
  DropoutMasks m;
  if (dropout() > 0)
    m.input = ops::dropout(Tensor::ones(step_input, compute_dtype(), device()), dropout(), {}, next_seed());
  if (recurrent_dropout() > 0)
    m.recurrent = ops::dropout(Tensor::ones(state_shapes(step_input)[0], compute_dtype(), device()),
                               recurrent_dropout(), {}, next_seed());
  return m;
}

Tensor RNNCell::drop_inputs(const Tensor& x, const DropoutMasks& masks) const {
  if (!masks.input.defined()) return x;
  return ops::multiply(x, x.rank() > masks.input.rank() ? ops::expand_dims(masks.input, 1) : masks.input);
}

TensorList RNNCell::call(const TensorList& inputs, const CallContext& ctx) {
  const int n = num_states();
  if (static_cast<int>(inputs.size()) != 1 + n)
    fail(cat("A cell is called on {x, states...} with ", n, " state(s); got ", inputs.size(), " tensors"));
  const Tensor& x = inputs[0];
  if (x.rank() != step_input_rank())
    fail(cat("A cell's step input must have rank ", step_input_rank(), "; got shape ", x.shape().to_string()));
  TensorList states(inputs.begin() + 1, inputs.end());
  const std::vector<Shape> want = state_shapes(x.shape());
  for (size_t i = 0; i < states.size(); ++i)
    if (states[i].shape() != want[i])
      fail(cat("A state of shape ", states[i].shape().to_string(), " does not fit input ", x.shape().to_string(),
               " and ", args_.units_name, "=", units(), "; expected ", want[i].to_string()));
  const DropoutMasks masks = ctx.training ? dropout_masks(x.shape()) : DropoutMasks{};
  return step(project_inputs(drop_inputs(x, masks)), states, masks);
}

std::vector<Shape> RNNCell::compute_output_shape(const std::vector<Shape>& input_shapes) {
  std::vector<Shape> out{output_shape(input_shapes.at(0))};
  for (const Shape& s : state_shapes(input_shapes.at(0))) out.push_back(s);
  return out;
}

}  // namespace keras::layers
