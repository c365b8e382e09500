// fit / evaluate / predict (keras/src/trainers/trainer.py and the TensorFlow trainer's
// train_step): the loops shard each batch through the distribution hook and call the
// overridable train_step / test_step / predict_step on it; the default steps run one
// GradientTape per batch, losses per output (weighted), the loss and metrics tracked as
// running means; callbacks at epoch and batch boundaries.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>

#include "keras/autograd/gradient_tape.h"
#include "keras/callbacks/progbar_logger.h"
#include "keras/models/model.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "trainers/data_adapter.h"

namespace keras::models {

using keras::detail::cat;
using CallbackList = std::vector<std::shared_ptr<callbacks::Callback>>;

namespace {

int resolve_verbose(int verbose) { return verbose < 0 ? 1 : verbose; }

/// Progress bar first, the user's callbacks, History last (Keras's CallbackList order).
CallbackList make_callbacks(const CallbackList& user, int verbose, std::shared_ptr<callbacks::History> history,
                            Model* model, const callbacks::Params& params) {
  CallbackList all;
  if (verbose) all.push_back(std::make_shared<callbacks::ProgbarLogger>());
  for (const auto& c : user)
    if (c) all.push_back(c);
  if (history) all.push_back(history);
  for (auto& c : all) {
    c->set_model(model);
    c->set_params(params);
  }
  return all;
}

/// The tensors on `device` (a copy where one is elsewhere, the same tensor otherwise).
TensorList on_device(TensorList ts, Device device) {
  for (auto& t : ts)
    if (t.defined() && t.device() != device) t = t.to(device);
  return ts;
}

/// Batch `step` of each tensor, moved to the model's device: the data stays where the
/// caller put it (usually the CPU) and only one batch at a time goes to the device.
TensorList batch_of(const trainers::BatchIterator& it, const TensorList& ts, int64_t step, Device device) {
  TensorList out;
  out.reserve(ts.size());
  for (const auto& t : ts) out.push_back(it.batch(t, step));
  return on_device(std::move(out), device);
}

/// This process's rows of a global batch (x, y), as the distribution hook shards it:
/// one shard_batch call per batch.
std::pair<TensorList, TensorList> shard(const distribution::Distribution& dist, TensorList x, TensorList y) {
  const int64_t n = x.empty() ? 0 : x[0].dim(0);
  const distribution::BatchShard s = dist.shard_batch(n);
  if (s.begin == 0 && s.end == n) return {std::move(x), std::move(y)};
  if (s.begin < 0 || s.end > n || s.begin >= s.end)
    throw ValueError(cat("Distribution: shard_batch(", n, ") returned rows [", s.begin, ", ", s.end,
                         "), which is not a non-empty part of the batch (rank ", dist.rank(), " of ",
                         dist.num_replicas(), ")"));
  for (auto& t : x) t = t.slice(s.begin, s.end);
  for (auto& t : y) t = t.slice(s.begin, s.end);
  return {std::move(x), std::move(y)};
}

}  // namespace

void Model::require_compiled(const char* what) const {
  if (!compiled_) throw RuntimeError(cat("You must call `compile()` before ", what, " the model \"", name(), "\"."));
}

void Model::check_targets(const TensorList& y) const {
  if (y.size() != output_losses_.size())
    throw ValueError(cat("The model \"", name(), "\" has ", output_losses_.size(), " output(s) but ", y.size(),
                         " target array(s) were given"));
}

std::shared_ptr<distribution::Distribution> Model::distribution() const {
  return distribution_ ? distribution_ : distribution::distribution();
}

// ---- the step's pieces

Tensor Model::compute_loss(const TensorList& /*x*/, const TensorList& y, const TensorList& y_pred, bool /*training*/) {
  require_compiled("computing the loss of");
  if (y_pred.size() != output_losses_.size() || y.size() != y_pred.size())
    throw ValueError(cat("compute_loss: the model \"", name(), "\" has ", output_losses_.size(), " output(s) but got ",
                         y_pred.size(), " prediction(s) and ", y.size(), " target(s)"));
  Tensor total;
  for (size_t i = 0; i < y_pred.size(); ++i) {
    if (!output_losses_[i]) continue;
    Tensor l = (*output_losses_[i])(y[i], y_pred[i]);
    if (l.size() != 1) l = ops::mean(l);
    if (i < output_loss_trackers_.size()) {
      autograd::NoGradGuard no_grad;
      output_loss_trackers_[i].update(l.detach().item<double>(), static_cast<double>(y_pred[i].dim(0)));
    }
    if (loss_weights_[i] != 1.0) l = l * loss_weights_[i];
    total = total.defined() ? ops::add(total, l) : l;
  }
  total = add_layer_losses(total, layers::LossScope::current());
  if (!total.defined())
    throw ValueError(
        cat("No loss to compute for the model \"", name(), "\". Provide a `loss` argument in `compile()`."));
  return total;
}

Tensor Model::add_layer_losses(const Tensor& loss, const layers::LossScope* added) const {
  // Keras's compute_loss: the compiled loss plus sum(model.losses), i.e. the weight
  // regularization penalties and what layers added (activity regularizers), in training
  // and in evaluation alike. The per-output losses in the logs leave them out.
  Tensor total = loss;
  auto accumulate = [&](const Tensor& l) {
    Tensor v = l.size() == 1 ? l : ops::sum(l);
    if (!total.defined()) {
      total = ops::reshape(v, Shape{});
      return;
    }
    if (v.dtype() != total.dtype()) v = ops::cast(v, total.dtype());
    total = ops::add(total, ops::reshape(v, total.shape()));
  };
  for (const Tensor& l : regularization_losses()) accumulate(l);
  if (added)
    for (const Tensor& l : added->losses()) accumulate(l);
  return total;
}

std::vector<metrics::Metric*> Model::metrics() {
  std::vector<metrics::Metric*> out{&loss_tracker_};
  for (auto& t : output_loss_trackers_) out.push_back(&t);
  for (auto& m : metrics_) out.push_back(m.metric.get());
  return out;
}

void Model::reset_metrics() {
  for (metrics::Metric* m : metrics()) m->reset_state();
}

Logs Model::compute_metrics(const TensorList& /*x*/, const TensorList& y, const TensorList& y_pred) {
  autograd::NoGradGuard no_grad;
  for (auto& m : metrics_) m.metric->update_state(y[m.output], y_pred[m.output].detach());
  return get_metrics_result();
}

Logs Model::get_metrics_result() {
  const std::vector<metrics::Metric*> ms = metrics();
  // One call to the hook with every state laid end to end (one all-reduce, not one per
  // metric); results are read from the sums, then the local states go back, so the next
  // batch adds to this process's own totals and the next read sums again.
  std::vector<double*> vars;
  for (metrics::Metric* m : ms)
    for (double* v : m->variables()) vars.push_back(v);
  std::vector<double> local(vars.size());
  for (size_t i = 0; i < vars.size(); ++i) local[i] = *vars[i];
  std::vector<double> summed = local;
  distribution()->reduce_metric_states(summed);
  for (size_t i = 0; i < vars.size(); ++i) *vars[i] = summed[i];
  Logs logs;
  for (metrics::Metric* m : ms) {
    std::string logged = m->name();  // compiled metrics are logged per output ("out_accuracy")
    for (const auto& nm : metrics_)
      if (nm.metric.get() == m) logged = nm.name;
    logs[logged] = m->result();
  }
  for (size_t i = 0; i < vars.size(); ++i) *vars[i] = local[i];
  return logs;
}

// ---- the steps

Logs Model::train_step(const TensorList& x, const TensorList& y) {
  const std::vector<Variable> vars = trainable_weights();
  TensorList sources;
  sources.reserve(vars.size());
  for (const auto& v : vars) sources.push_back(v.value());

  TensorList y_pred, grads;
  Tensor loss;
  {
    autograd::GradientTape tape;
    layers::LossScope added;                 // forward, collecting what layers add_loss
    y_pred = (*this)(x, /*training=*/true);
    loss = compute_loss(x, y, y_pred);       // loss, with the penalties
    grads = tape.gradient(optimizer_->scale_loss(loss), sources);  // gradients (of the scaled loss)
  }
  distribution()->reduce_gradients(grads);   // the distribution hook (all-reduce)
  if (grads.size() != vars.size())
    throw RuntimeError(cat("Distribution: reduce_gradients left ", grads.size(), " gradients for ", vars.size(),
                           " trainable weights of the model \"", name(), "\""));
  optimizer_->apply_gradients(grads, vars);  // apply
  loss_tracker_.update(loss.detach().item<double>(), static_cast<double>(x[0].dim(0)));
  return compute_metrics(x, y, y_pred);
}

Logs Model::test_step(const TensorList& x, const TensorList& y) {
  autograd::NoGradGuard no_grad;
  layers::LossScope added;
  TensorList y_pred = (*this)(x, /*training=*/false);
  Tensor loss = compute_loss(x, y, y_pred, /*training=*/false);
  loss_tracker_.update(loss.item<double>(), static_cast<double>(x[0].dim(0)));
  return compute_metrics(x, y, y_pred);
}

TensorList Model::predict_step(const TensorList& x) { return (*this)(x, /*training=*/false); }

callbacks::History Model::fit(const Tensor& x, const Tensor& y, FitOptions o) {
  return fit(TensorList{x}, TensorList{y}, std::move(o));
}

callbacks::History Model::fit(const TensorList& x_in, const TensorList& y_in, FitOptions o) {
  require_compiled("training");
  if (o.epochs < 0) throw ValueError(cat("fit: epochs must be >= 0, got ", o.epochs));
  if (o.batch_size <= 0) throw ValueError(cat("fit: batch_size must be a positive integer, got ", o.batch_size));
  trainers::check_cardinality(x_in, y_in);

  TensorList x = x_in, y = y_in;
  std::optional<ValidationData> val = o.validation_data;
  if (val) {
    trainers::check_cardinality(val->x, val->y);
  } else if (o.validation_split > 0.0) {
    auto split = trainers::train_validation_split(x, y, o.validation_split);
    x = split.train_x;
    y = split.train_y;
    val = ValidationData(split.val_x, split.val_y);
  }
  x = standardize_inputs(x);  // builds the model and checks shapes before the first step
  check_targets(y);
  const int64_t n = x[0].dim(0);
  const int verbose = resolve_verbose(o.verbose);
  int64_t steps = (n + o.batch_size - 1) / o.batch_size;
  if (o.steps_per_epoch) steps = std::min(steps, *o.steps_per_epoch);

  auto history = std::make_shared<callbacks::History>();
  const auto cbs = make_callbacks(o.callbacks, verbose, history, this, {o.epochs, steps, verbose});
  stop_training = false;
  for (auto& c : cbs) c->on_train_begin({});

  for (int epoch = o.initial_epoch; epoch < o.epochs && !stop_training; ++epoch) {
    reset_metrics();
    for (auto& c : cbs) c->on_epoch_begin(epoch, {});
    trainers::BatchIterator it(n, o.batch_size, o.shuffle);
    std::optional<Logs> logs;
    for (int64_t step = 0; step < steps; ++step) {
      for (auto& c : cbs) c->on_train_batch_begin(step, {});
      const auto [bx, by] =
          shard(*distribution(), batch_of(it, x, step, device()), batch_of(it, y, step, device()));
      // A scope around the step too, so an overriding train_step still collects add_loss.
      layers::LossScope added;
      logs = train_step(bx, by);
      for (auto& c : cbs) c->on_train_batch_end(step, *logs);
      if (stop_training) break;
    }
    Logs epoch_logs = logs ? *logs : get_metrics_result();
    if (val && (epoch + 1) % std::max(1, o.validation_freq) == 0) {
      Logs val_logs = run_evaluation(val->x, val->y, o.validation_batch_size.value_or(o.batch_size), 0, cbs,
                                     /*inside_fit=*/true);
      for (const auto& [k, v] : val_logs) epoch_logs["val_" + k] = v;
    }
    for (auto& c : cbs) c->update_epoch_logs(epoch, epoch_logs);
    for (auto& c : cbs) c->on_epoch_end(epoch, epoch_logs);
    const auto loss = epoch_logs.find("loss");
    if (loss != epoch_logs.end() && !std::isfinite(loss->second) && verbose)
      std::cerr << "Warning: the loss is not finite (" << loss->second << ") after epoch " << epoch + 1 << "\n";
  }
  // Keras's fit: with use_ema, the weights become their moving averages at the end.
  if (o.epochs > 0) optimizer_->finalize_variable_values(trainable_weights());
  for (auto& c : cbs) c->on_train_end({});
  return *history;
}

Logs Model::run_evaluation(const TensorList& x_in, const TensorList& y, int64_t batch_size, int verbose,
                           const CallbackList& cbs, bool inside_fit) {
  require_compiled("evaluating");
  trainers::check_cardinality(x_in, y);
  if (batch_size <= 0) throw ValueError(cat("evaluate: batch_size must be a positive integer, got ", batch_size));
  TensorList x = standardize_inputs(x_in);
  check_targets(y);
  reset_metrics();
  trainers::BatchIterator it(x[0].dim(0), batch_size, false);
  for (auto& c : cbs) c->on_test_begin({});
  std::optional<Logs> logs;
  for (int64_t step = 0; step < it.num_batches(); ++step) {
    const auto [bx, by] =
        shard(*distribution(), batch_of(it, x, step, device()), batch_of(it, y, step, device()));
    layers::LossScope added;
    logs = test_step(bx, by);
    if (!inside_fit || verbose)
      for (auto& c : cbs) c->on_test_batch_end(step, *logs);
  }
  if (!logs) logs = get_metrics_result();
  for (auto& c : cbs) c->on_test_end(*logs);
  return *logs;
}

Logs Model::evaluate(const Tensor& x, const Tensor& y, EvaluateOptions o) {
  return evaluate(TensorList{x}, TensorList{y}, std::move(o));
}

Logs Model::evaluate(const TensorList& x, const TensorList& y, EvaluateOptions o) {
  require_compiled("evaluating");
  const int verbose = resolve_verbose(o.verbose);
  const int64_t n = trainers::check_cardinality(x, y);
  const int64_t bs = std::max<int64_t>(o.batch_size, 1);
  const auto cbs = make_callbacks(o.callbacks, verbose, nullptr, this, {1, (n + bs - 1) / bs, verbose});
  return run_evaluation(x, y, o.batch_size, verbose, cbs, false);
}

Tensor Model::predict(const Tensor& x, PredictOptions o) {
  TensorList out = predict(TensorList{x}, std::move(o));
  if (out.size() != 1)
    throw ValueError(cat("Model \"", name(), "\" has ", out.size(), " outputs; call predict with a TensorList to get them all"));
  return out[0];
}

TensorList Model::predict(const TensorList& x_in, PredictOptions o) {
  trainers::check_cardinality(x_in, {});
  if (o.batch_size <= 0) throw ValueError(cat("predict: batch_size must be a positive integer, got ", o.batch_size));
  TensorList x = standardize_inputs(x_in);
  const int verbose = resolve_verbose(o.verbose);
  trainers::BatchIterator it(x[0].dim(0), o.batch_size, false);
  const auto cbs = make_callbacks(o.callbacks, verbose, nullptr, this, {1, it.num_batches(), verbose});
  autograd::NoGradGuard no_grad;
  for (auto& c : cbs) c->on_predict_begin({});
  std::vector<TensorList> per_output;
  for (int64_t step = 0; step < it.num_batches(); ++step) {
    TensorList out = on_device(predict_step(batch_of(it, x, step, device())), Device::cpu());
    per_output.resize(out.size());
    for (size_t k = 0; k < out.size(); ++k) per_output[k].push_back(std::move(out[k]));
    for (auto& c : cbs) c->on_predict_batch_end(step, {});
  }
  for (auto& c : cbs) c->on_predict_end({});
  TensorList result;
  if (per_output.empty()) {  // no samples: empty outputs of the right shapes
    std::vector<Shape> in_shapes;
    for (const auto& t : x) in_shapes.push_back(t.shape());
    for (const auto& s : compute_output_shape(in_shapes))
      result.push_back(Tensor::zeros(s, DType::float32, Device::cpu()));
    return result;
  }
  for (auto& parts : per_output) result.push_back(parts.size() == 1 ? parts[0] : ops::concatenate(parts, 0));
  return result;
}

Logs Model::train_on_batch(const Tensor& x, const Tensor& y) { return train_on_batch(TensorList{x}, TensorList{y}); }

Logs Model::train_on_batch(const TensorList& x_in, const TensorList& y) {
  require_compiled("training");
  trainers::check_cardinality(x_in, y);
  TensorList x = standardize_inputs(x_in);
  check_targets(y);
  reset_metrics();
  const auto [bx, by] = shard(*distribution(), on_device(x, device()), on_device(y, device()));
  layers::LossScope added;
  return train_step(bx, by);
}

Logs Model::test_on_batch(const Tensor& x, const Tensor& y) { return test_on_batch(TensorList{x}, TensorList{y}); }

Logs Model::test_on_batch(const TensorList& x_in, const TensorList& y) {
  require_compiled("evaluating");
  trainers::check_cardinality(x_in, y);
  TensorList x = standardize_inputs(x_in);
  check_targets(y);
  reset_metrics();
  const auto [bx, by] = shard(*distribution(), on_device(x, device()), on_device(y, device()));
  layers::LossScope added;
  return test_step(bx, by);
}

Tensor Model::predict_on_batch(const Tensor& x) {
  TensorList out = predict_on_batch(TensorList{x});
  if (out.size() != 1)
    throw ValueError(cat("Model \"", name(), "\" has ", out.size(), " outputs; call predict_on_batch with a TensorList"));
  return out[0];
}

TensorList Model::predict_on_batch(const TensorList& x) {
  trainers::check_cardinality(x, {});
  autograd::NoGradGuard no_grad;
  return on_device(predict_step(on_device(standardize_inputs(x), device())), Device::cpu());
}

}  // namespace keras::models
