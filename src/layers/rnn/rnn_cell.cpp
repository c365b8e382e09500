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
    fail(cat("Received an invalid value for argument `units`, expected a positive integer, got ", args_.units));
  if (!(args_.dropout >= 0.0 && args_.dropout < 1.0))
    fail(cat("Invalid value received for argument `dropout`: expected a float in [0, 1), got ", args_.dropout));
  if (!(args_.recurrent_dropout >= 0.0 && args_.recurrent_dropout < 1.0))
    fail(cat("Invalid value received for argument `recurrent_dropout`: expected a float in [0, 1), got ",
             args_.recurrent_dropout));
}

Tensor RNNCell::fused_bias() const {
  return bias_.defined() ? bias_.value() : Tensor::zeros(Shape{kernel_.shape().dim(-1)}, dtype(), kernel_.device());
}

void RNNCell::build(const std::vector<Shape>& input_shapes) {
  if (input_shapes.empty()) fail("A recurrent cell needs an input");
  const Shape& x = input_shapes[0];
  if (x.rank() < 2 || x.dim(-1) == kNone)
    fail(cat("A recurrent cell's input must be (batch, features) with known features; got ", x.to_string()));
  build(x);
}

TensorList RNNCell::call(const TensorList& inputs, const CallContext& ctx) {
  const int n = num_states();
  if (static_cast<int>(inputs.size()) != 1 + n)
    fail(cat("A cell is called on {x, ", n == 1 ? "h" : "h, c", "}; got ", inputs.size(), " tensors"));
  const Tensor& x = inputs[0];
  TensorList states(inputs.begin() + 1, inputs.end());
  for (const Tensor& s : states)
    if (s.rank() != 2 || s.dim(0) != x.dim(0) || s.dim(1) != units())
      fail(cat("A state of shape ", s.shape().to_string(), " does not fit input ", x.shape().to_string(),
               " and units=", units(), "; expected (", x.dim(0), ", ", units(), ")"));
  Tensor xin = x, rec_mask;
  if (ctx.training && dropout() > 0) xin = ops::dropout(x, dropout(), {}, next_seed());
  if (ctx.training && recurrent_dropout() > 0)
    rec_mask = ops::dropout(Tensor::ones(Shape{x.dim(0), units()}, dtype(), x.device()), recurrent_dropout(), {},
                             next_seed());
  TensorList next = step(project_inputs(xin), states, rec_mask);
  TensorList out{next[0]};
  out.insert(out.end(), next.begin(), next.end());
  return out;
}

std::vector<Shape> RNNCell::compute_output_shape(const std::vector<Shape>& input_shapes) {
  const Shape s{input_shapes.at(0)[0], units()};
  return std::vector<Shape>(static_cast<size_t>(1 + num_states()), s);
}

}  // namespace keras::layers
