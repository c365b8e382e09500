// fit / evaluate / predict (keras/src/trainers/trainer.py and the TensorFlow trainer's
// train_step): one GradientTape per batch, losses per output (weighted), the loss and
// metrics tracked as running means, callbacks at epoch and batch boundaries.
#include <algorithm>
#include <cmath>
#include <iostream>

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

TensorList batch_of(const trainers::BatchIterator& it, const TensorList& ts, int64_t step) {
  TensorList out;
  out.reserve(ts.size());
  for (const auto& t : ts) out.push_back(it.batch(t, step));
  return out;
}

}  // namespace

void Model::require_compiled(const char* what) const {
  if (!compiled_) throw RuntimeError(cat("You must call `compile()` before ", what, " the model \"", name(), "\"."));
  bool any = false;
  for (const auto& l : output_losses_) any |= l.has_value();
  if (!any) throw ValueError(cat("The model \"", name(), "\" was compiled without a loss; ", what, " needs one."));
}

void Model::check_targets(const TensorList& y) const {
  if (y.size() != output_losses_.size())
    throw ValueError(cat("The model \"", name(), "\" has ", output_losses_.size(), " output(s) but ", y.size(),
                         " target array(s) were given"));
}

TensorList Model::forward(const TensorList& x, bool training) { return (*this)(x, training); }

Tensor Model::compute_loss(const TensorList& y, const TensorList& y_pred, std::vector<double>* per_output) {
  Tensor total;
  for (size_t i = 0; i < y_pred.size(); ++i) {
    if (!output_losses_[i]) continue;
    Tensor l = (*output_losses_[i])(y[i], y_pred[i]);
    if (l.size() != 1) l = ops::mean(l);
    if (per_output) per_output->push_back(l.detach().item<double>());
    if (loss_weights_[i] != 1.0) l = l * loss_weights_[i];
    total = total.defined() ? ops::add(total, l) : l;
  }
  return total;
}

Tensor Model::add_layer_losses(const Tensor& loss, const layers::LossScope& added) const {
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
  for (const Tensor& l : added.losses()) accumulate(l);
  return total;
}

Logs Model::metric_logs() const {
  Logs logs;
  logs[loss_tracker_.name()] = loss_tracker_.result();
  for (const auto& t : output_loss_trackers_) logs[t.name()] = t.result();
  for (const auto& m : metrics_) logs[m.name] = m.metric->result();
  return logs;
}

void Model::reset_metrics() {
  loss_tracker_.reset_state();
  for (auto& t : output_loss_trackers_) t.reset_state();
  for (auto& m : metrics_) m.metric->reset_state();
}

void Model::update_metrics(const TensorList& y, const TensorList& y_pred, const Tensor& loss,
                           const std::vector<double>& per_output, int64_t batch) {
  autograd::NoGradGuard no_grad;
  loss_tracker_.update(loss.detach().item<double>(), static_cast<double>(batch));
  for (size_t i = 0; i < output_loss_trackers_.size() && i < per_output.size(); ++i)
    output_loss_trackers_[i].update(per_output[i], static_cast<double>(batch));
  for (auto& m : metrics_) m.metric->update_state(y[m.output], y_pred[m.output].detach());
}

void Model::train_step(const TensorList& x, const TensorList& y) {
  const auto vars = trainable_weights();
  TensorList sources;
  sources.reserve(vars.size());
  for (const auto& v : vars) sources.push_back(v.value());

  TensorList y_pred, grads;
  Tensor loss;
  std::vector<double> per_output;
  {
    autograd::GradientTape tape;
    layers::LossScope added;  // the losses layers add during this forward pass
    y_pred = forward(x, /*training=*/true);
    loss = compute_loss(y, y_pred, output_loss_trackers_.empty() ? nullptr : &per_output);
    loss = add_layer_losses(loss, added);
    grads = tape.gradient(loss, sources);
  }
  optimizer_->apply_gradients(grads, vars);
  update_metrics(y, y_pred, loss, per_output, x[0].dim(0));
}

void Model::test_step(const TensorList& x, const TensorList& y) {
  autograd::NoGradGuard no_grad;
  layers::LossScope added;
  TensorList y_pred = forward(x, /*training=*/false);
  std::vector<double> per_output;
  Tensor loss = compute_loss(y, y_pred, output_loss_trackers_.empty() ? nullptr : &per_output);
  loss = add_layer_losses(loss, added);
  update_metrics(y, y_pred, loss, per_output, x[0].dim(0));
}

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
    for (int64_t step = 0; step < steps; ++step) {
      for (auto& c : cbs) c->on_train_batch_begin(step, {});
      train_step(batch_of(it, x, step), batch_of(it, y, step));
      const Logs logs = metric_logs();
      for (auto& c : cbs) c->on_train_batch_end(step, logs);
      if (stop_training) break;
    }
    Logs epoch_logs = metric_logs();
    if (val && (epoch + 1) % std::max(1, o.validation_freq) == 0) {
      Logs val_logs = run_evaluation(val->x, val->y, o.validation_batch_size.value_or(o.batch_size), 0, cbs,
                                     /*inside_fit=*/true);
      for (const auto& [k, v] : val_logs) epoch_logs["val_" + k] = v;
    }
    for (auto& c : cbs) c->update_epoch_logs(epoch, epoch_logs);
    for (auto& c : cbs) c->on_epoch_end(epoch, epoch_logs);
    if (!std::isfinite(epoch_logs["loss"]) && verbose)
      std::cerr << "Warning: the loss is not finite (" << epoch_logs["loss"] << ") after epoch " << epoch + 1 << "\n";
  }
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
  for (int64_t step = 0; step < it.num_batches(); ++step) {
    test_step(batch_of(it, x, step), batch_of(it, y, step));
    if (!inside_fit || verbose)
      for (auto& c : cbs) c->on_test_batch_end(step, metric_logs());
  }
  Logs logs = metric_logs();
  for (auto& c : cbs) c->on_test_end(logs);
  return logs;
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
    TensorList out = forward(batch_of(it, x, step), false);
    per_output.resize(out.size());
    for (size_t k = 0; k < out.size(); ++k) per_output[k].push_back(std::move(out[k]));
    for (auto& c : cbs) c->on_predict_batch_end(step, {});
  }
  for (auto& c : cbs) c->on_predict_end({});
  TensorList result;
  if (per_output.empty()) {  // no samples: empty outputs of the right shapes
    std::vector<Shape> in_shapes;
    for (const auto& t : x) in_shapes.push_back(t.shape());
    for (const auto& s : compute_output_shape(in_shapes)) result.push_back(Tensor::zeros(s));
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
  train_step(x, y);
  return metric_logs();
}

Logs Model::test_on_batch(const Tensor& x, const Tensor& y) { return test_on_batch(TensorList{x}, TensorList{y}); }

Logs Model::test_on_batch(const TensorList& x_in, const TensorList& y) {
  require_compiled("evaluating");
  trainers::check_cardinality(x_in, y);
  TensorList x = standardize_inputs(x_in);
  check_targets(y);
  reset_metrics();
  test_step(x, y);
  return metric_logs();
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
  return forward(standardize_inputs(x), false);
}

}  // namespace keras::models
