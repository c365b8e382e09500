#include "keras/layers/rnn/rnn.h"

#include "keras/layers/registry.h"
#include "keras/layers/rnn/stacked_rnn_cells.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"
#include "keras/ops/rnn.h"
#include "layers/rnn/rnn_config.h"

namespace keras::layers {

using keras::detail::cat;

RNN::RNN(std::shared_ptr<RNNCell> cell, RNNOptions options) : RNN("RNN", std::move(cell), std::move(options)) {}

RNN::RNN(std::vector<std::shared_ptr<RNNCell>> cells, RNNOptions options)
    : RNN("RNN", std::make_shared<StackedRNNCells>(std::move(cells)), std::move(options)) {}

RNN::RNN(std::string class_name, std::shared_ptr<RNNCell> cell, RNNOptions o)
    : Concrete(std::move(class_name), layer_args_of(o)),
      cell_(std::move(cell)),
      rnn_options_(std::move(o)) {
  if (!cell_) fail("RNN needs a cell");
  input_spec_.min_ndim = 3;
  track_layer(cell_);
}

namespace {
/// (batch, time, ...) without its time axis: the shape of one step.
Shape step_shape_of(const Shape& sequence) {
  Shape s{sequence[0]};
  for (size_t d = 2; d < sequence.size(); ++d) s.push_back(sequence[d]);
  return s;
}
}  // namespace

void RNN::build(const std::vector<Shape>& input_shapes) {
  const Shape& x = input_shapes.at(0);
  const int rank = cell_->step_input_rank() + 1;
  if (x.rank() != rank) {
    if (rank == 3) fail(cat("A recurrent layer takes input of shape (batch, time, features); got ", x.to_string()));
    fail(cat("Expected an input of rank ", rank, " (batch, time, ...); got shape ", x.to_string()));
  }
  if (rank == 3 && x.dim(-1) == kNone) fail(cat("The feature axis of the input must be known; got ", x.to_string()));
  if (!cell_->built()) {
    try {
      cell_->build_for({step_shape_of(x)});
    } catch (const ValueError& e) {
      fail(e.what());  // names this layer too
    }
  }
  if (rank == 3) input_spec_.axes = {{-1, x[2]}};
}

std::vector<Shape> RNN::compute_output_shape(const std::vector<Shape>& input_shapes) {
  const Shape& x = input_shapes.at(0);
  if (x.rank() != cell_->step_input_rank() + 1)
    fail(cat("Expected an input of rank ", cell_->step_input_rank() + 1, "; got shape ", x.to_string()));
  const Shape step = step_shape_of(x);
  std::vector<Shape> states;
  try {
    states = cell_->state_shapes(step);
  } catch (const ValueError& e) {
    fail(e.what());  // names this layer too
  }
  Shape out = cell_->output_shape(step);
  if (rnn_options_.return_sequences) out.insert(1, x[1]);
  std::vector<Shape> outs{out};
  if (rnn_options_.return_state) outs.insert(outs.end(), states.begin(), states.end());
  return outs;
}

TensorList RNN::compute_mask(const TensorList&, const TensorList& masks, size_t num_outputs) {
  TensorList out(num_outputs);
  if (rnn_options_.return_sequences && !masks.empty()) out[0] = masks[0];
  return out;
}

TensorList RNN::initial_states(const TensorList& given, const Shape& step) const {
  const int n = cell_->num_states();
  const std::vector<Shape> want = cell_->state_shapes(step);
  if (!given.empty()) {
    if (static_cast<int>(given.size()) != n)
      fail(cat("An initial_state of ", given.size(), " tensors was passed, but the cell has ", n, " state(s)"));
    for (size_t i = 0; i < given.size(); ++i)
      if (given[i].shape() != want[i])
        fail(cat("An initial state has shape ", given[i].shape().to_string(), "; expected ", want[i].to_string()));
    TensorList out;
    for (const Tensor& s : given) out.push_back(s.dtype() == compute_dtype() ? s : ops::cast(s, compute_dtype()));
    return out;
  }
  if (rnn_options_.stateful && !states_.empty()) {
    for (size_t i = 0; i < states_.size(); ++i) {
      if (states_[i].shape() == want[i]) continue;
      if (states_[i].dim(0) != step[0])
        fail(cat("A stateful layer carries states for batches of ", states_[0].dim(0), " but got a batch of ", step[0],
                 "; call reset_states() first or keep the batch size fixed"));
      fail(cat("A stateful layer carries a state of shape ", states_[i].shape().to_string(), " but this input needs ",
               want[i].to_string(), "; call reset_states() first"));
    }
    TensorList out;  // carried over from before a Model::to: they follow the layer
    for (const Tensor& s : states_) out.push_back(s.device() == device() ? s : s.to(device()));
    return out;
  }
  TensorList out;
  for (const Shape& s : want) out.push_back(Tensor::zeros(s, compute_dtype(), device()));
  return out;
}

TensorList RNN::run_steps(const Tensor& x, TensorList states, const Tensor& mask, const DropoutMasks& dropout) const {
  const int64_t steps = x.dim(1), batch = x.dim(0);
  const TensorList projected = ops::unstack(cell_->project_inputs(x), 1);
  TensorList step_masks;
  if (mask.defined()) step_masks = ops::unstack(ops::cast(mask, compute_dtype()), 1);  // (batch,) per step
  // A step's mask (batch,) as (batch, 1, ..., 1), to meet a tensor of rank `rank`.
  auto spread = [batch](const Tensor& m, int64_t rank) {
    Shape s{batch};
    while (s.rank() < rank) s.push_back(1);
    return ops::reshape(m, s);
  };
  TensorList outputs;
  outputs.reserve(static_cast<size_t>(steps));
  Tensor last;
  for (int64_t k = 0; k < steps; ++k) {
    const size_t t = static_cast<size_t>(rnn_options_.go_backwards ? steps - 1 - k : k);
    TensorList next = cell_->step(projected[t], states, dropout);
    Tensor output = next[0];
    next.erase(next.begin());
    if (mask.defined()) {
      // As Keras's backends: a masked step keeps the states and emits the previous
      // step's output (zeros before the first), or zeros with zero_output_for_mask.
      const Tensor m = spread(step_masks[t], output.rank());
      const Tensor keep = ops::subtract(Tensor::scalar(1.0, compute_dtype(), m.device()), m);
      const Tensor previous = last.defined() ? last : ops::zeros_like(output);
      output = rnn_options_.zero_output_for_mask ? ops::multiply(output, m)
                                                 : ops::add(ops::multiply(output, m), ops::multiply(previous, keep));
      for (size_t i = 0; i < next.size(); ++i) {
        const Tensor ms = spread(step_masks[t], next[i].rank());
        const Tensor ks = ops::subtract(Tensor::scalar(1.0, compute_dtype(), ms.device()), ms);
        next[i] = ops::add(ops::multiply(next[i], ms), ops::multiply(states[i], ks));
      }
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
  const int rank = cell_->step_input_rank() + 1;
  if (x.rank() != rank)
    fail(cat("Expected an input of rank ", rank, " (batch, time, ...); got shape ", x.shape().to_string()));
  const int64_t batch = x.dim(0), steps = x.dim(1);
  if (steps == 0) fail(cat("The input sequence is empty: shape ", x.shape().to_string()));
  const Shape step = step_shape_of(x.shape());
  TensorList given = ctx.initial_state;
  given.insert(given.end(), inputs.begin() + 1, inputs.end());  // Keras 2 graphs pass states as inputs
  TensorList states = initial_states(given, step);

  Tensor mask = ctx.mask(0);
  if (mask.defined()) {
    if (mask.shape() != Shape{batch, steps})
      fail(cat("The mask has shape ", mask.shape().to_string(), " but the input ", x.shape().to_string(),
               " needs (", batch, ", ", steps, ")"));
  }

  // One set of dropout masks for every step of this call.
  const DropoutMasks dropout = ctx.training ? cell_->dropout_masks(step) : DropoutMasks{};
  const Tensor seq = cell_->drop_inputs(x, dropout);

  Tensor sequence, last;
  TensorList final_states;
  const bool fused = use_fused_kernel_ && !mask.defined() && !dropout.recurrent.defined() && dropout.cells.empty() &&
                     cell_->fused() != FusedRecurrence::none && ops::has_fused_recurrence(x.device());
  if (fused) {
    TensorList r = ops::fused_recurrence(cell_->fused(), seq, states, cell_->kernel().value(),
                                         cell_->recurrent_kernel().value(), cell_->fused_bias(),
                                         rnn_options_.go_backwards);
    sequence = r[0];
    final_states.assign(r.begin() + 1, r.end());
    last = final_states[0];
  } else {
    TensorList r = run_steps(seq, states, mask, dropout);
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
  if (cell_->class_name() != "StackedRNNCells") entry.erase("build_config");
  c["cell"] = entry;
  return c;
}

std::shared_ptr<Layer> RNN::from_config(const Config& config) {
  ConfigReader r(config);
  auto cell = std::dynamic_pointer_cast<RNNCell>(deserialize(r.need("cell")));
  if (!cell) r.fail("\"cell\" is not a recurrent cell (SimpleRNNCell, LSTMCell, GRUCell or StackedRNNCells)");
  return std::make_shared<RNN>(cell, read_rnn_options<RNNOptions>(r));
}

}  // namespace keras::layers
