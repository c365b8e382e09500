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

/// "auto" is 1; with several processes only rank 0 shows progress.
int resolve_verbose(int verbose, const distribution::Distribution& dist) {
  if (!dist.is_chief()) return 0;
  return verbose < 0 ? 1 : verbose;
}

/// Every process starts fit from rank 0's weights and optimizer state (their initialisers
/// or files may differ); nothing to do for one process.
void broadcast_training_state(models::Model& model, distribution::Distribution& dist) {
  if (dist.num_replicas() <= 1) return;
  const std::vector<Variable> weights = model.weights();
  TensorList values;
  for (const auto& w : weights) values.push_back(w.raw());
  dist.broadcast(values);
  if (!dist.is_chief())  // rank 0's own values came back: nothing to assign there
    for (size_t i = 0; i < weights.size(); ++i) {
      Variable v = weights[i];
      v.assign(values[i]);
    }
  const auto& optimizer = model.optimizer();
  if (!optimizer || !optimizer->built()) return;  // built alike on every process at the first step
  const std::vector<Variable> trainable = model.trainable_weights();
  TensorList state = optimizer->state_values(trainable);
  for (auto& t : state) t = t.clone();  // the slots are shared: do not write them in place
  dist.broadcast(state);
  if (!dist.is_chief()) optimizer->load_state_values(trainable, state);
}

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

/// One batch: inputs, targets and sample weights (empty when there are none).
using Batch = utils::DataBatch;

Batch on_device(Batch b, Device device) {
  return {on_device(std::move(b.x), device), on_device(std::move(b.y), device),
          on_device(std::move(b.sample_weight), device)};
}

/// This process's rows of a global batch, as the distribution hook shards it: one
/// shard_batch call per batch.
Batch shard(const distribution::Distribution& dist, Batch b) {
  const int64_t n = b.x.empty() ? 0 : b.x[0].dim(0);
  const distribution::BatchShard s = dist.shard_batch(n);
  if (s.begin == 0 && s.end == n) return b;
  if (s.begin < 0 || s.end > n || s.begin >= s.end)
    throw ValueError(cat("Distribution: shard_batch(", n, ") returned rows [", s.begin, ", ", s.end,
                         "), which is not a non-empty part of the batch (rank ", dist.rank(), " of ",
                         dist.num_replicas(), ")"));
  for (TensorList* part : {&b.x, &b.y, &b.sample_weight})
    for (auto& t : *part) t = t.slice(s.begin, s.end);
  return b;
}

/// Keras's class_weight_to_sample_weights: each sample weighs its class's weight (1 for
/// classes not listed); labels are integers, or the argmax of one-hot rows.
Tensor class_weight_to_sample_weights(const Tensor& y, const std::map<int64_t, double>& class_weight) {
  const int64_t n = y.dim(0);
  Tensor labels = y;
  if (y.rank() > 1 && y.dim(-1) != 1) labels = ops::argmax(y, -1);
  const std::vector<double> v = labels.to(Device::cpu()).astype(DType::float64).to_vector<double>();
  if (static_cast<int64_t>(v.size()) != n)
    throw ValueError(cat("class_weight: targets of shape ", y.shape().to_string(),
                         " are not one class per sample; class_weight needs (samples,) labels or one-hot rows"));
  std::vector<float> w(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const auto it = class_weight.find(static_cast<int64_t>(std::llround(v[static_cast<size_t>(i)])));
    w[static_cast<size_t>(i)] = it == class_weight.end() ? 1.0f : static_cast<float>(it->second);
  }
  return Tensor::from_vector(w, Shape{n});
}

/// Checks fit's or evaluate's sample weights against the targets (Keras's array adapter:
/// one array per output, or one sample-wise array for all) and makes them floats.
TensorList check_sample_weight(TensorList sample_weight, const TensorList& y, const char* where) {
  if (sample_weight.empty()) return sample_weight;
  if (sample_weight.size() != 1 && sample_weight.size() != y.size())
    throw ValueError(cat(where, ": you should provide one `sample_weight` array per output (", y.size(),
                         ") or one for all; got ", sample_weight.size()));
  const int64_t n = y.empty() ? 0 : y[0].dim(0);
  for (auto& w : sample_weight) {
    if (!w.defined() || w.rank() < 1 || w.rank() > 2 || w.dim(0) != n)
      throw ValueError(cat(where, ": a `sample_weight` array must be (samples,) or (samples, timesteps) with ", n,
                           " samples; got shape ", w.defined() ? w.shape().to_string() : "undefined"));
    if (sample_weight.size() == 1 && y.size() > 1 && w.rank() == 2 && w.dim(1) != 1)
      throw ValueError(cat(where,
                           ": one `sample_weight` array for several outputs must be sample-wise, (samples,); got ",
                           w.shape().to_string(), ". For non-scalar sample weights, give one array per output"));
    if (!is_floating(w.dtype())) w = w.astype(DType::float32);
  }
  return sample_weight;
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

Tensor Model::compute_loss(const TensorList& x, const TensorList& y, const TensorList& y_pred, bool training) {
  return compute_loss(x, y, y_pred, TensorList{}, training);
}

Tensor Model::compute_loss(const TensorList& /*x*/, const TensorList& y, const TensorList& y_pred,
                           const TensorList& sample_weight, bool /*training*/) {
  require_compiled("computing the loss of");
  if (sample_weight.size() > 1 && sample_weight.size() != y_pred.size())
    throw ValueError(cat("compute_loss: the model \"", name(), "\" has ", y_pred.size(), " output(s) but ",
                         sample_weight.size(), " sample_weight arrays were given (one for all outputs, or one each)"));
  if (y_pred.size() != output_losses_.size() || y.size() != y_pred.size())
    throw ValueError(cat("compute_loss: the model \"", name(), "\" has ", output_losses_.size(), " output(s) but got ",
                         y_pred.size(), " prediction(s) and ", y.size(), " target(s)"));
  Tensor total;
  for (size_t i = 0; i < y_pred.size(); ++i) {
    if (!output_losses_[i]) continue;
    const Tensor w = sample_weight.empty() ? Tensor() : sample_weight[sample_weight.size() == 1 ? 0 : i];
    Tensor l = (*output_losses_[i])(y[i], y_pred[i], w);
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

Logs Model::compute_metrics(const TensorList& x, const TensorList& y, const TensorList& y_pred) {
  return compute_metrics(x, y, y_pred, {});
}

Logs Model::compute_metrics(const TensorList& /*x*/, const TensorList& y, const TensorList& y_pred,
                            const TensorList& sample_weight) {
  autograd::NoGradGuard no_grad;
  for (auto& m : metrics_) {
    // Detached, keeping the Keras mask, which Keras's metrics weigh by as its losses do.
    const Tensor& p = y_pred[m.output];
    // Metrics compute in float32 (their dtype), whatever the model computes in.
    const bool narrow = p.dtype() == DType::bfloat16 || p.dtype() == DType::float16;
    Tensor detached = narrow ? p.detach().astype(DType::float32) : p.detach();
    if (const Tensor mask = p.keras_mask(); mask.defined()) detached.set_keras_mask(mask);
    Tensor weight;  // Keras 3 gives only the weighted metrics the sample weights
    if (m.weighted && !sample_weight.empty())
      weight = sample_weight.size() == 1 ? sample_weight[0] : sample_weight.at(m.output);
    m.metric->update_state(y[m.output], detached, weight);
  }
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
    if (m->has_scalar_result()) logs[logged] = m->result();
    else logs.arrays[logged] = m->result_tensor();  // F1Score(average=None), thresholds lists...
  }
  for (size_t i = 0; i < vars.size(); ++i) *vars[i] = local[i];
  return logs;
}

// ---- the steps

Logs Model::train_step(const TensorList& x, const TensorList& y) { return default_train_step(x, y, {}); }

Logs Model::train_step(const TensorList& x, const TensorList& y, const TensorList& sample_weight) {
  return sample_weight.empty() ? train_step(x, y) : default_train_step(x, y, sample_weight);
}

Logs Model::default_train_step(const TensorList& x, const TensorList& y, const TensorList& sample_weight) {
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
    loss = compute_loss(x, y, y_pred, sample_weight);              // loss, with the penalties
    // Gradients (of the scaled loss); each one final is handed to the distribution hook
    // at once, so that combining them overlaps the rest of backward.
    const auto dist = distribution();
    grads = tape.gradient(optimizer_->scale_loss(loss), sources, Tensor(),
                          [&dist](size_t i, const Tensor& g) { dist->gradient_ready(i, g); });
  }
  distribution()->reduce_gradients(grads);   // the distribution hook (all-reduce)
  if (grads.size() != vars.size())
    throw RuntimeError(cat("Distribution: reduce_gradients left ", grads.size(), " gradients for ", vars.size(),
                           " trainable weights of the model \"", name(), "\""));
  optimizer_->apply_gradients(grads, vars);  // apply
  loss_tracker_.update(loss.detach().item<double>(), static_cast<double>(x[0].dim(0)));
  return compute_metrics(x, y, y_pred, sample_weight);
}

Logs Model::test_step(const TensorList& x, const TensorList& y) { return default_test_step(x, y, {}); }

Logs Model::test_step(const TensorList& x, const TensorList& y, const TensorList& sample_weight) {
  return sample_weight.empty() ? test_step(x, y) : default_test_step(x, y, sample_weight);
}

Logs Model::default_test_step(const TensorList& x, const TensorList& y, const TensorList& sample_weight) {
  autograd::NoGradGuard no_grad;
  layers::LossScope added;
  TensorList y_pred = (*this)(x, /*training=*/false);
  Tensor loss = compute_loss(x, y, y_pred, sample_weight, /*training=*/false);
  loss_tracker_.update(loss.item<double>(), static_cast<double>(x[0].dim(0)));
  return compute_metrics(x, y, y_pred, sample_weight);
}

TensorList Model::predict_step(const TensorList& x) { return (*this)(x, /*training=*/false); }

callbacks::History Model::fit(const Tensor& x, const Tensor& y, FitOptions o) {
  return fit(TensorList{x}, TensorList{y}, std::move(o));
}

callbacks::History Model::fit(const TensorList& x_in, const TensorList& y_in, FitOptions o) {
  require_compiled("training");
  if (o.batch_size <= 0) throw ValueError(cat("fit: batch_size must be a positive integer, got ", o.batch_size));
  trainers::check_cardinality(x_in, y_in);

  TensorList x = x_in, y = y_in;
  TensorList sample_weight = check_sample_weight(o.sample_weight, y, "fit");
  if (!o.class_weight.empty()) {
    if (!sample_weight.empty())
      throw ValueError("fit: you cannot give `class_weight` and `sample_weight` at the same time");
    check_class_weight_outputs(y.size());
    sample_weight = {class_weight_to_sample_weights(y[0], o.class_weight)};
  }
  std::optional<ValidationData> val = o.validation_data;
  if (!val && o.validation_split > 0.0) {
    // The weights are split with the targets: they ride along as extra target arrays.
    TensorList y_and_w = y;
    y_and_w.insert(y_and_w.end(), sample_weight.begin(), sample_weight.end());
    auto split = trainers::train_validation_split(x, y_and_w, o.validation_split);
    const auto ny = static_cast<std::ptrdiff_t>(y.size());
    x = split.train_x;
    y.assign(split.train_y.begin(), split.train_y.begin() + ny);
    sample_weight.assign(split.train_y.begin() + ny, split.train_y.end());
    val = ValidationData(split.val_x, TensorList(split.val_y.begin(), split.val_y.begin() + ny),
                         TensorList(split.val_y.begin() + ny, split.val_y.end()));
  }
  x = standardize_inputs(x);  // builds the model and checks shapes before the first step
  check_targets(y);
  trainers::ArraySource source({x, y, sample_weight}, o.batch_size, o.shuffle, o.steps_per_epoch);
  return run_fit(source, val, o);
}

callbacks::History Model::fit(utils::PyDataset& data, FitOptions o) {
  require_compiled("training");
  check_dataset_options(o, "fit");
  trainers::DatasetSource source(data, o.steps_per_epoch);
  return run_fit(source, o.validation_data, o);
}

callbacks::History Model::fit(const utils::DataGenerator& data, FitOptions o) {
  require_compiled("training");
  check_dataset_options(o, "fit");
  if (!data) throw ValueError("fit: the generator is empty (no function)");
  trainers::GeneratorSource source(data, o.steps_per_epoch);
  return run_fit(source, o.validation_data, o);
}

void Model::check_class_weight_outputs(size_t outputs) const {
  if (outputs != 1)
    throw ValueError(cat("fit: `class_weight` is only supported for models with a single output; \"", name(), "\" has ",
                         outputs, " targets"));
}

void Model::check_dataset_options(const FitOptions& o, const char* where) const {
  if (o.validation_split > 0.0)
    throw ValueError(cat(where,
                         ": `validation_split` is only supported for tensors in memory, not a dataset or "
                         "generator; give validation_data"));
  if (!o.sample_weight.empty())
    throw ValueError(cat(where,
                         ": the `sample_weight` argument is not supported with a dataset or generator; its "
                         "batches carry their own sample weights"));
}

callbacks::History Model::run_fit(trainers::BatchSource& source, std::optional<ValidationData> val,
                                  const FitOptions& o) {
  if (o.epochs < 0) throw ValueError(cat("fit: epochs must be >= 0, got ", o.epochs));
  if (val) {
    trainers::check_cardinality(val->x, val->y);
    val->sample_weight = check_sample_weight(val->sample_weight, val->y, "fit validation_data");
  }
  const int verbose = resolve_verbose(o.verbose, *distribution());
  const std::optional<int64_t> steps = source.steps();

  auto history = std::make_shared<callbacks::History>();
  const auto cbs = make_callbacks(o.callbacks, verbose, history, this, {o.epochs, steps.value_or(0), verbose});
  stop_training = false;
  resume_at_epoch.reset();
  for (auto& c : cbs) c->on_train_begin({});  // (BackupAndRestore may load its checkpoint here)
  bool in_step = false;                       // processes synchronised before the first step
  const int first_epoch = resume_at_epoch.value_or(o.initial_epoch);
  resume_at_epoch.reset();

  for (int epoch = first_epoch; epoch < o.epochs && !stop_training; ++epoch) {
    reset_metrics();
    for (auto& c : cbs) c->on_epoch_begin(epoch, {});
    source.begin_epoch();
    std::optional<Logs> logs;
    int64_t step = 0;
    bool ran_out = false;
    for (; !steps || step < *steps; ++step) {
      std::optional<utils::DataBatch> data = source.next(step);
      if (!data) {
        ran_out = true;
        break;
      }
      if (!source.prepared()) prepare_batch(*data, o.class_weight);
      if (!in_step) {  // the model is built by now (the first batch built it at the latest)
        broadcast_training_state(*this, *distribution());
        in_step = true;
      }
      for (auto& c : cbs) c->on_train_batch_begin(step, {});
      const utils::DataBatch b = shard(*distribution(), on_device(std::move(*data), device()));
      // A scope around the step too, so an overriding train_step still collects add_loss.
      layers::LossScope added;
      logs = train_step(b.x, b.y, b.sample_weight);
      for (auto& c : cbs) c->on_train_batch_end(step, *logs);
      if (stop_training) break;
    }
    source.end_epoch();
    if (ran_out && (steps || step == 0)) {
      // Keras: "Your input ran out of data; interrupting training." (fewer batches than
      // steps_per_epoch, or none at all for an epoch of a generator that ended).
      std::cerr << "Warning: the input ran out of data after " << step << " batches of epoch " << epoch + 1
                << "; interrupting training\n";
      stop_training = true;
      if (step == 0) break;
    }
    Logs epoch_logs = logs ? *logs : get_metrics_result();
    if (val && (epoch + 1) % std::max(1, o.validation_freq) == 0) {
      Logs val_logs = run_evaluation(val->x, val->y, val->sample_weight, o.validation_batch_size.value_or(o.batch_size),
                                     0, cbs, /*inside_fit=*/true);
      for (const auto& [k, v] : val_logs) epoch_logs["val_" + k] = v;
      for (const auto& [k, v] : val_logs.arrays) epoch_logs.arrays["val_" + k] = v;
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

void Model::prepare_batch(utils::DataBatch& b, const std::map<int64_t, double>& class_weight) {
  trainers::check_cardinality(b.x, b.y);
  b.x = standardize_inputs(b.x);
  check_targets(b.y);
  b.sample_weight = check_sample_weight(std::move(b.sample_weight), b.y, "fit");
  if (!class_weight.empty()) {
    if (!b.sample_weight.empty())
      throw ValueError("fit: you cannot give `class_weight` and `sample_weight` at the same time");
    check_class_weight_outputs(b.y.size());
    b.sample_weight = {class_weight_to_sample_weights(b.y[0], class_weight)};
  }
}

Logs Model::run_evaluation(const TensorList& x_in, const TensorList& y, const TensorList& sample_weight,
                           int64_t batch_size, int verbose, const CallbackList& cbs, bool inside_fit) {
  require_compiled("evaluating");
  trainers::check_cardinality(x_in, y);
  if (batch_size <= 0) throw ValueError(cat("evaluate: batch_size must be a positive integer, got ", batch_size));
  TensorList w = check_sample_weight(sample_weight, y, "evaluate");
  TensorList x = standardize_inputs(x_in);
  check_targets(y);
  trainers::ArraySource source({x, y, w}, batch_size, /*shuffle=*/false);
  return run_evaluation(source, verbose, cbs, inside_fit);
}

Logs Model::run_evaluation(trainers::BatchSource& source, int verbose, const CallbackList& cbs, bool inside_fit) {
  reset_metrics();
  for (auto& c : cbs) c->on_test_begin({});
  std::optional<Logs> logs;
  const std::optional<int64_t> steps = source.steps();
  source.begin_epoch();
  for (int64_t step = 0; !steps || step < *steps; ++step) {
    std::optional<Batch> data = source.next(step);
    if (!data) break;
    if (!source.prepared()) prepare_batch(*data, {});
    const Batch b = shard(*distribution(), on_device(std::move(*data), device()));
    layers::LossScope added;
    logs = test_step(b.x, b.y, b.sample_weight);
    if (!inside_fit || verbose)
      for (auto& c : cbs) c->on_test_batch_end(step, *logs);
  }
  source.end_epoch();
  if (!logs) logs = get_metrics_result();
  for (auto& c : cbs) c->on_test_end(*logs);
  return *logs;
}

Logs Model::evaluate(utils::PyDataset& data, EvaluateOptions o) {
  require_compiled("evaluating");
  if (!o.sample_weight.empty())
    throw ValueError(
        "evaluate: the `sample_weight` argument is not supported with a dataset; its batches carry their own");
  const int verbose = resolve_verbose(o.verbose, *distribution());
  trainers::DatasetSource source(data, std::nullopt);
  const auto cbs = make_callbacks(o.callbacks, verbose, nullptr, this, {1, source.steps().value_or(0), verbose});
  return run_evaluation(source, verbose, cbs, false);
}

Logs Model::evaluate(const Tensor& x, const Tensor& y, EvaluateOptions o) {
  return evaluate(TensorList{x}, TensorList{y}, std::move(o));
}

Logs Model::evaluate(const TensorList& x, const TensorList& y, EvaluateOptions o) {
  require_compiled("evaluating");
  const int verbose = resolve_verbose(o.verbose, *distribution());
  const int64_t n = trainers::check_cardinality(x, y);
  const int64_t bs = std::max<int64_t>(o.batch_size, 1);
  const auto cbs = make_callbacks(o.callbacks, verbose, nullptr, this, {1, (n + bs - 1) / bs, verbose});
  return run_evaluation(x, y, o.sample_weight, o.batch_size, verbose, cbs, false);
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
  const int verbose = resolve_verbose(o.verbose, *distribution());
  trainers::ArraySource source({x, {}, {}}, o.batch_size, /*shuffle=*/false);
  const auto cbs = make_callbacks(o.callbacks, verbose, nullptr, this, {1, source.steps().value_or(0), verbose});
  if (std::optional<TensorList> out = run_prediction(source, cbs)) return *std::move(out);
  // No samples: empty outputs of the right shapes.
  std::vector<Shape> in_shapes;
  for (const auto& t : x) in_shapes.push_back(t.shape());
  TensorList result;
  for (const auto& s : compute_output_shape(in_shapes))
    result.push_back(Tensor::zeros(s, DType::float32, Device::cpu()));
  return result;
}

TensorList Model::predict(utils::PyDataset& data, PredictOptions o) {
  const int verbose = resolve_verbose(o.verbose, *distribution());
  trainers::DatasetSource source(data, std::nullopt);
  const auto cbs = make_callbacks(o.callbacks, verbose, nullptr, this, {1, source.steps().value_or(0), verbose});
  std::optional<TensorList> out = run_prediction(source, cbs);
  if (!out) throw ValueError(cat("predict: the dataset gave no batches to model \"", name(), "\""));
  return *std::move(out);
}

std::optional<TensorList> Model::run_prediction(trainers::BatchSource& source, const CallbackList& cbs) {
  autograd::NoGradGuard no_grad;
  for (auto& c : cbs) c->on_predict_begin({});
  std::vector<TensorList> per_output;
  const std::optional<int64_t> steps = source.steps();
  // A batch whose activations would exceed config::max_activation_bytes() is predicted
  // in parts that fit (inference treats rows independently: the results differ only by the
  // float rounding of kernels blocked for another batch size).
  const int64_t max_rows = max_rows_within_activation_budget();
  const auto dist = distribution();
  auto predict_within_budget = [&](TensorList x, int64_t rows_per_part) {
    const int64_t rows = x.empty() || x[0].rank() == 0 ? 0 : x[0].dim(0);
    if (rows <= rows_per_part) return on_device(predict_step(on_device(std::move(x), device())), Device::cpu());
    std::vector<TensorList> parts;
    for (int64_t begin = 0; begin < rows; begin += rows_per_part) {
      TensorList part;
      for (const auto& t : x) part.push_back(ops::slice_rows(t, begin, std::min(rows, begin + rows_per_part)));
      parts.push_back(on_device(predict_step(on_device(std::move(part), device())), Device::cpu()));
    }
    TensorList joined;
    for (size_t k = 0; k < parts[0].size(); ++k) {
      TensorList pieces;
      for (const auto& p : parts) pieces.push_back(p.at(k));
      joined.push_back(ops::concatenate(pieces, 0));
    }
    return joined;
  };
  source.begin_epoch();
  for (int64_t step = 0; !steps || step < *steps; ++step) {
    std::optional<utils::DataBatch> data = source.next(step);
    if (!data) break;
    // A dataset's batches are checked here; arrays were checked once before the loop.
    TensorList x = source.prepared() ? std::move(data->x) : standardize_inputs(data->x);
    // With several processes each predicts its rows of the batch and the outputs are
    // gathered in order (a batch with fewer rows than processes is predicted by all).
    const int64_t rows = x.empty() || x[0].rank() == 0 ? 0 : x[0].dim(0);
    const bool sharded = dist->num_replicas() > 1 && rows >= dist->num_replicas();
    if (sharded) {
      const distribution::BatchShard s = dist->shard_batch(rows);
      for (auto& t : x) t = t.slice(s.begin, s.end);
    }
    TensorList out = predict_within_budget(std::move(x), max_rows);
    if (sharded)
      for (auto& t : out) {
        t = dist->all_gather_rows(t);
        if (t.rank() < 1 || t.dim(0) != rows)
          throw RuntimeError(cat("Distribution: all_gather_rows gave ", t.rank() < 1 ? 0 : t.dim(0),
                                 " rows for a batch of ", rows, " (rank ", dist->rank(), " of ", dist->num_replicas(),
                                 "); with several processes it must gather every process's rows"));
      }
    if (!per_output.empty() && out.size() != per_output.size())
      throw ValueError(cat("predict: model \"", name(), "\" gave ", out.size(), " outputs for batch ", step, " and ",
                           per_output.size(), " before"));
    per_output.resize(out.size());
    for (size_t k = 0; k < out.size(); ++k) per_output[k].push_back(std::move(out[k]));
    for (auto& c : cbs) c->on_predict_batch_end(step, {});
  }
  source.end_epoch();
  for (auto& c : cbs) c->on_predict_end({});
  if (per_output.empty()) return std::nullopt;
  TensorList result;
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
  const Batch b = shard(*distribution(), on_device(Batch{x, y}, device()));
  layers::LossScope added;
  return train_step(b.x, b.y);
}

Logs Model::test_on_batch(const Tensor& x, const Tensor& y) { return test_on_batch(TensorList{x}, TensorList{y}); }

Logs Model::test_on_batch(const TensorList& x_in, const TensorList& y) {
  require_compiled("evaluating");
  trainers::check_cardinality(x_in, y);
  TensorList x = standardize_inputs(x_in);
  check_targets(y);
  reset_metrics();
  const Batch b = shard(*distribution(), on_device(Batch{x, y}, device()));
  layers::LossScope added;
  return test_step(b.x, b.y);
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
