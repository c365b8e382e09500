#include "keras/layers/rnn/rnn.h"

#include "layers/rnn/rnn_config.h"
#include "keras/layers/registry.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"
#include "keras/ops/rnn.h"

namespace keras::layers {

using keras::detail::cat;

RNN::RNN(std::shared_ptr<RNNCell> cell, RNNOptions options) : RNN("RNN", std::move(cell), std::move(options)) {}

RNN::RNN(std::string class_name, std::shared_ptr<RNNCell> cell, RNNOptions o)
    : Concrete(std::move(class_name), layer_args_of(o)),
      cell_(std::move(cell)),
      rnn_options_(std::move(o)) {
  if (!cell_) fail("RNN needs a cell");
  input_spec_.min_ndim = 3;
  track_layer(cell_);
}

void RNN::build(const std::vector<Shape>& input_shapes) {
  const Shape& x = input_shapes.at(0);
  if (x.rank() != 3)
    fail(cat("A recurrent layer takes input of shape (batch, time, features); got ", x.to_string()));
  if (x.dim(-1) == kNone) fail(cat("The feature axis of the input must be known; got ", x.to_string()));
  if (!cell_->built()) cell_->build_for({Shape{x[0], x[2]}});
  input_spec_.axes = {{-1, x[2]}};
}

std::vector<Shape> RNN::compute_output_shape(const std::vector<Shape>& input_shapes) {
  const Shape& x = input_shapes.at(0);
  const int64_t u = cell_->units();
  std::vector<Shape> out{rnn_options_.return_sequences ? Shape{x[0], x[1], u} : Shape{x[0], u}};
  if (rnn_options_.return_state)
    for (int i = 0; i < cell_->num_states(); ++i) out.push_back(Shape{x[0], u});
  return out;
}

TensorList RNN::compute_mask(const TensorList&, const TensorList& masks, size_t num_outputs) {
  TensorList out(num_outputs);
  if (rnn_options_.return_sequences && !masks.empty()) out[0] = masks[0];
  return out;
}

TensorList RNN::initial_states(const TensorList& given, int64_t batch) const {
  const int n = cell_->num_states();
  const Shape want{batch, cell_->units()};
  if (!given.empty()) {
    if (static_cast<int>(given.size()) != n)
      fail(cat("An initial_state of ", given.size(), " tensors was passed, but the cell has ", n, " state(s)"));
    for (const Tensor& s : given)
      if (s.shape() != want)
        fail(cat("An initial state has shape ", s.shape().to_string(), "; expected ", want.to_string()));
    TensorList out;
    for (const Tensor& s : given) out.push_back(s.dtype() == dtype() ? s : ops::cast(s, dtype()));
    return out;
  }
  if (rnn_options_.stateful && !states_.empty()) {
    if (states_[0].shape() != want)
      fail(cat("A stateful layer carries states for batches of ", states_[0].dim(0), " but got a batch of ", batch,
               "; call reset_states() first or keep the batch size fixed"));
    TensorList out;  // carried over from before a Model::to: they follow the layer
    for (const Tensor& s : states_) out.push_back(s.device() == device() ? s : s.to(device()));
    return out;
  }
  return TensorList(static_cast<size_t>(n), Tensor::zeros(want, dtype(), device()));
}

TensorList RNN::run_steps(const Tensor& x, TensorList states, const Tensor& mask, const Tensor& recurrent_mask) const {
  const int64_t steps = x.dim(1);
  const TensorList projected = ops::unstack(cell_->project_inputs(x), 1);
  TensorList step_masks;
  if (mask.defined()) {
    const Tensor m = ops::cast(mask, dtype());
    step_masks = ops::unstack(ops::expand_dims(m, -1), 1);  // (batch, 1) per step
  }
  TensorList outputs;
  outputs.reserve(static_cast<size_t>(steps));
  Tensor last;
  for (int64_t k = 0; k < steps; ++k) {
    const size_t t = static_cast<size_t>(rnn_options_.go_backwards ? steps - 1 - k : k);
    TensorList next = cell_->step(projected[t], states, recurrent_mask);
    Tensor output = next[0];
    if (mask.defined()) {
      // As Keras's backends: a masked step keeps the states and emits the carried output
      // (or zeros with zero_output_for_mask).
      const Tensor& m = step_masks[t];
      const Tensor keep = ops::subtract(Tensor::scalar(1.0, dtype(), m.device()), m);
      output = rnn_options_.zero_output_for_mask ? ops::multiply(output, m)
                                                 : ops::add(ops::multiply(output, m), ops::multiply(states[0], keep));
      for (size_t i = 0; i < next.size(); ++i)
        next[i] = ops::add(ops::multiply(next[i], m), ops::multiply(states[i], keep));
    }
    states = std::move(next);
    if (rnn_options_.return_sequences) outputs.push_back(output);
    last = output;
  }
  TensorList out{rnn_options_.return_sequences ? ops::stack(outputs, 1) : Tensor(), last};
  out.insert(out.end(), states.begin(), states.end());
  return out;
}

TensorList RNN::call(const TensorList& inputs, const CallContext& ctx) {
  const Tensor& x = inputs.at(0);
  if (x.rank() != 3) fail(cat("A recurrent layer takes input of shape (batch, time, features); got ", x.shape().to_string()));
  const int64_t batch = x.dim(0), steps = x.dim(1);
  if (steps == 0) fail(cat("The input sequence is empty: shape ", x.shape().to_string()));
  TensorList given = ctx.initial_state;
  given.insert(given.end(), inputs.begin() + 1, inputs.end());  // Keras 2 graphs pass states as inputs
  TensorList states = initial_states(given, batch);

  Tensor mask = ctx.mask(0);
  if (mask.defined()) {
    if (mask.shape() != Shape{batch, steps})
      fail(cat("The mask has shape ", mask.shape().to_string(), " but the input ", x.shape().to_string(),
               " needs (", batch, ", ", steps, ")"));
  }

  Tensor seq = x, recurrent_mask;
  if (ctx.training && cell_->dropout() > 0)  // one input mask for every step
    seq = ops::dropout(x, cell_->dropout(), Shape{batch, 1, x.dim(2)}, cell_->next_seed());
  if (ctx.training && cell_->recurrent_dropout() > 0)
    recurrent_mask = ops::dropout(Tensor::ones(Shape{batch, cell_->units()}, dtype(), x.device()),
                                  cell_->recurrent_dropout(), {}, cell_->next_seed());

  Tensor sequence, last;
  TensorList final_states;
  const bool fused = use_fused_kernel_ && !mask.defined() && !recurrent_mask.defined() &&
                     cell_->fused() != FusedRecurrence::none && ops::has_fused_recurrence(x.device());
  if (fused) {
    TensorList r = ops::fused_recurrence(cell_->fused(), seq, states, cell_->kernel().value(),
                                         cell_->recurrent_kernel().value(), cell_->fused_bias(),
                                         rnn_options_.go_backwards);
    sequence = r[0];
    final_states.assign(r.begin() + 1, r.end());
    last = final_states[0];
  } else {
    TensorList r = run_steps(seq, states, mask, recurrent_mask);
    sequence = r[0];
    last = r[1];
    final_states.assign(r.begin() + 2, r.end());
  }
  if (rnn_options_.stateful) {
    states_.clear();
    for (const Tensor& s : final_states) states_.push_back(s.detach());
  }
  TensorList out{rnn_options_.return_sequences ? sequence : last};
  if (rnn_options_.return_state) out.insert(out.end(), final_states.begin(), final_states.end());
  return out;
}

Config RNN::get_config() const {
  Config c = config_with_fields(*this, rnn_options_);
  Config entry = serialize(*cell_);
  entry.erase("build_config");
  c["cell"] = entry;
  return c;
}

std::shared_ptr<Layer> RNN::from_config(const Config& config) {
  ConfigReader r(config);
  auto cell = std::dynamic_pointer_cast<RNNCell>(deserialize(r.need("cell")));
  if (!cell) r.fail("\"cell\" is not a recurrent cell (SimpleRNNCell, LSTMCell or GRUCell)");
  return std::make_shared<RNN>(cell, read_rnn_options<RNNOptions>(r));
}

}  // namespace keras::layers
