// compile / fit / evaluate / predict (keras/src/trainers/trainer.py and the TensorFlow
// trainer's train_step): one GradientTape per batch, loss and metrics tracked as
// running means, callbacks at epoch and batch boundaries.
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

bool is_finite(double v) { return std::isfinite(v); }

}  // namespace

void Model::require_compiled(const char* what) const {
  if (!compiled_) throw RuntimeError(cat("You must call `compile()` before ", what, " the model \"", name(), "\"."));
  if (!loss_) throw ValueError(cat("The model \"", name(), "\" was compiled without a loss; ", what, " needs one."));
}

Tensor Model::forward(const Tensor& x, bool training) { return (*this)(x, training); }

Tensor Model::compute_loss(const Tensor& y, const Tensor& y_pred) {
  Tensor loss = (*loss_)(y, y_pred);
  if (loss.size() != 1) loss = ops::mean(loss);
  return loss;
}

Logs Model::metric_logs() const {
  Logs logs;
  logs[loss_tracker_.name()] = loss_tracker_.result();
  for (const auto& m : metrics_) logs[m->name()] = m->result();
  return logs;
}

void Model::reset_metrics() {
  loss_tracker_.reset_state();
  for (auto& m : metrics_) m->reset_state();
}

void Model::train_step(const Tensor& x, const Tensor& y) {
  const auto vars = trainable_weights();
  TensorList sources;
  sources.reserve(vars.size());
  for (const auto& v : vars) sources.push_back(v.value());

  Tensor y_pred, loss;
  TensorList grads;
  {
    autograd::GradientTape tape;
    y_pred = forward(x, /*training=*/true);
    loss = compute_loss(y, y_pred);
    grads = tape.gradient(loss, sources);
  }
  optimizer_->apply_gradients(grads, vars);

  autograd::NoGradGuard no_grad;
  loss_tracker_.update(loss.item<double>(), static_cast<double>(x.dim(0)));
  const Tensor pred = y_pred.detach();
  for (auto& m : metrics_) m->update_state(y, pred);
}

void Model::test_step(const Tensor& x, const Tensor& y) {
  autograd::NoGradGuard no_grad;
  Tensor y_pred = forward(x, /*training=*/false);
  loss_tracker_.update(compute_loss(y, y_pred).item<double>(), static_cast<double>(x.dim(0)));
  for (auto& m : metrics_) m->update_state(y, y_pred);
}

callbacks::History Model::fit(const Tensor& x_in, const Tensor& y_in, FitOptions o) {
  require_compiled("training");
  trainers::check_cardinality(x_in, &y_in);
  if (o.epochs < 0) throw ValueError(cat("fit: epochs must be >= 0, got ", o.epochs));
  if (o.batch_size <= 0) throw ValueError(cat("fit: batch_size must be a positive integer, got ", o.batch_size));

  Tensor x = x_in, y = y_in;
  std::optional<std::pair<Tensor, Tensor>> val = o.validation_data;
  if (val) {
    trainers::check_cardinality(val->first, &val->second);
  } else if (o.validation_split > 0.0) {
    auto [train, held_out] = trainers::train_validation_split(x, y, o.validation_split);
    x = train.first;
    y = train.second;
    val = held_out;
  }
  x = standardize_input(x);  // builds the model and checks shapes before the first step
  const int64_t n = x.dim(0);
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
    Logs logs;
    for (int64_t step = 0; step < steps; ++step) {
      for (auto& c : cbs) c->on_train_batch_begin(step, {});
      train_step(it.batch(x, step), it.batch(y, step));
      logs = metric_logs();
      for (auto& c : cbs) c->on_train_batch_end(step, logs);
      if (stop_training) break;
    }
    Logs epoch_logs = metric_logs();
    if (val && (epoch + 1) % std::max(1, o.validation_freq) == 0) {
      Logs val_logs = run_evaluation(val->first, val->second, o.validation_batch_size.value_or(o.batch_size), 0, cbs,
                                     /*inside_fit=*/true);
      for (const auto& [k, v] : val_logs) epoch_logs["val_" + k] = v;
    }
    for (auto& c : cbs) c->on_epoch_end(epoch, epoch_logs);
    if (!is_finite(epoch_logs["loss"]) && verbose)
      std::cerr << "Warning: the loss is not finite (" << epoch_logs["loss"] << ") after epoch " << epoch + 1 << "\n";
  }
  for (auto& c : cbs) c->on_train_end({});
  return *history;
}

Logs Model::run_evaluation(const Tensor& x_in, const Tensor& y, int64_t batch_size, int verbose, const CallbackList& cbs,
                           bool inside_fit) {
  require_compiled("evaluating");
  trainers::check_cardinality(x_in, &y);
  if (batch_size <= 0) throw ValueError(cat("evaluate: batch_size must be a positive integer, got ", batch_size));
  Tensor x = standardize_input(x_in);
  reset_metrics();
  trainers::BatchIterator it(x.dim(0), batch_size, false);
  for (auto& c : cbs) c->on_test_begin({});
  for (int64_t step = 0; step < it.num_batches(); ++step) {
    test_step(it.batch(x, step), it.batch(y, step));
    if (!inside_fit || verbose)
      for (auto& c : cbs) c->on_test_batch_end(step, metric_logs());
  }
  Logs logs = metric_logs();
  for (auto& c : cbs) c->on_test_end(logs);
  return logs;
}

Logs Model::evaluate(const Tensor& x, const Tensor& y, EvaluateOptions o) {
  require_compiled("evaluating");
  const int verbose = resolve_verbose(o.verbose);
  const int64_t n = trainers::check_cardinality(x, &y);
  const int64_t steps = (n + std::max<int64_t>(o.batch_size, 1) - 1) / std::max<int64_t>(o.batch_size, 1);
  const auto cbs = make_callbacks(o.callbacks, verbose, nullptr, this, {1, steps, verbose});
  return run_evaluation(x, y, o.batch_size, verbose, cbs, false);
}

Tensor Model::predict(const Tensor& x_in, PredictOptions o) {
  trainers::check_cardinality(x_in, nullptr);
  if (o.batch_size <= 0) throw ValueError(cat("predict: batch_size must be a positive integer, got ", o.batch_size));
  Tensor x = standardize_input(x_in);
  const int verbose = resolve_verbose(o.verbose);
  trainers::BatchIterator it(x.dim(0), o.batch_size, false);
  const auto cbs = make_callbacks(o.callbacks, verbose, nullptr, this, {1, it.num_batches(), verbose});
  autograd::NoGradGuard no_grad;
  for (auto& c : cbs) c->on_predict_begin({});
  TensorList outputs;
  outputs.reserve(static_cast<size_t>(it.num_batches()));
  for (int64_t step = 0; step < it.num_batches(); ++step) {
    outputs.push_back(forward(it.batch(x, step), false));
    for (auto& c : cbs) c->on_predict_batch_end(step, {});
  }
  for (auto& c : cbs) c->on_predict_end({});
  if (outputs.empty()) {
    Shape s = compute_output_shape(std::vector<Shape>{x.shape()}).at(0);
    return Tensor::zeros(s);
  }
  return outputs.size() == 1 ? outputs[0] : ops::concatenate(outputs, 0);
}

Logs Model::train_on_batch(const Tensor& x_in, const Tensor& y) {
  require_compiled("training");
  trainers::check_cardinality(x_in, &y);
  Tensor x = standardize_input(x_in);
  reset_metrics();
  train_step(x, y);
  return metric_logs();
}

Logs Model::test_on_batch(const Tensor& x_in, const Tensor& y) {
  require_compiled("evaluating");
  trainers::check_cardinality(x_in, &y);
  Tensor x = standardize_input(x_in);
  reset_metrics();
  test_step(x, y);
  return metric_logs();
}

Tensor Model::predict_on_batch(const Tensor& x_in) {
  trainers::check_cardinality(x_in, nullptr);
  Tensor x = standardize_input(x_in);
  autograd::NoGradGuard no_grad;
  return forward(x, false);
}

}  // namespace keras::models
