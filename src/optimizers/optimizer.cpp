#include "keras/optimizers/optimizer.h"

#include <cctype>
#include <cmath>
#include <regex>
#include <unordered_set>

#include "backend/backend.h"
#include "keras/autograd/gradient_tape.h"
#include "keras/constraints/constraints.h"
#include "keras/ops/math.h"

namespace keras::optimizers {

using keras::detail::cat;

Optimizer::Optimizer(OptimizerCommon common, std::string default_name) : common_(std::move(common)) {
  if (common_.name.empty()) common_.name = std::move(default_name);
  if (!common_.learning_rate.is_schedule() && !(common_.learning_rate.value() >= 0))
    throw ValueError(cat("Optimizer ", common_.name, ": learning_rate must be >= 0, got ", common_.learning_rate.value()));
  int clip_args = common_.clipnorm.has_value() + common_.clipvalue.has_value() + common_.global_clipnorm.has_value();
  if (clip_args > 1)
    throw ValueError(cat("Optimizer ", common_.name, ": only one of clipnorm, clipvalue and global_clipnorm can be set"));
  // Keras treats 0 as "not set" for both counts (they are tested for truth).
  if (common_.gradient_accumulation_steps && *common_.gradient_accumulation_steps != 0 &&
      *common_.gradient_accumulation_steps < 2)
    throw ValueError(
        cat("Optimizer ", common_.name,
            ": `gradient_accumulation_steps` must be an integer >= 2. Received: gradient_accumulation_steps=",
            *common_.gradient_accumulation_steps));
  if (common_.use_ema) {
    if (!(common_.ema_momentum >= 0 && common_.ema_momentum <= 1))
      throw ValueError(
          cat("Optimizer ", common_.name,
              ": `ema_momentum` must be in the range [0, 1]. Received: ema_momentum=", common_.ema_momentum));
    if (common_.ema_overwrite_frequency && *common_.ema_overwrite_frequency != 0 &&
        *common_.ema_overwrite_frequency < 1)
      throw ValueError(
          cat("Optimizer ", common_.name,
              ": `ema_overwrite_frequency` must be an integer >= 1 or None. Received: ema_overwrite_frequency=",
              *common_.ema_overwrite_frequency));
  }
}

namespace {
int64_t accumulation_steps(const OptimizerCommon& c) {
  return c.gradient_accumulation_steps ? *c.gradient_accumulation_steps : 0;
}
}  // namespace

int64_t Optimizer::iterations() const {
  const int64_t steps = accumulation_steps(common_);
  return steps ? iterations_ / steps : iterations_;
}

std::vector<std::vector<SlotSpec>> Optimizer::full_layout(const Variable& variable) const {
  // Keras's BaseOptimizer.build runs first: the EMA averages, then the accumulators.
  std::vector<std::vector<SlotSpec>> layout;
  if (common_.use_ema) layout.push_back({"average"});
  if (accumulation_steps(common_)) layout.push_back({"gradient_accumulator"});
  for (auto& group : slot_layout(variable)) layout.push_back(std::move(group));
  return layout;
}

Tensor Optimizer::make_slot(const Variable& variable, const SlotSpec& spec) const {
  const Shape shape = spec.shape ? *spec.shape : variable.shape();
  const DType dtype = spec.dtype ? *spec.dtype : variable.dtype();
  if (spec.copy_of_variable) return variable.value().detach().astype(dtype).clone();
  if (spec.initial_value == 0.0) return Tensor::zeros(shape, dtype, variable.value().device());
  return Tensor::full(shape, spec.initial_value, dtype, variable.value().device());
}

Tensor Optimizer::slot(const Variable& variable, const std::string& name) {
  auto& list = slots_[variable.id()];
  for (auto& [n, t] : list)
    if (n == name) return t;
  for (const auto& group : full_layout(variable))
    for (const auto& spec : group)
      if (spec.name == name) {
        list.emplace_back(name, make_slot(variable, spec));
        return list.back().second;
      }
  throw ValueError(cat("Optimizer ", common_.name, ": no slot named '", name, "'"));
}

Tensor Optimizer::global_slot(const std::string& name) {
  for (auto& [n, t] : globals_)
    if (n == name) return t;
  for (const auto& spec : global_slots())
    if (spec.name == name) {
      const Shape shape = spec.shape ? *spec.shape : Shape{};
      const DType dtype = spec.dtype ? *spec.dtype : DType::float32;
      globals_.emplace_back(name, Tensor::full(shape, spec.initial_value, dtype, Device::cpu()));
      return globals_.back().second;
    }
  throw ValueError(cat("Optimizer ", common_.name, ": no optimizer variable named '", name, "'"));
}

void Optimizer::build(const std::vector<Variable>& trainable) {
  if (built_) return;
  if (!trainable.empty()) {
    const size_t groups = full_layout(trainable.front()).size();
    for (size_t g = 0; g < groups; ++g)
      for (const Variable& v : trainable) {
        const auto layout = full_layout(v);  // (a temporary's element would dangle in the loop)
        for (const auto& spec : layout.at(g)) slot(v, spec.name);
      }
  }
  for (const auto& spec : global_slots()) global_slot(spec.name);
  built_ = true;
}

void Optimizer::assign(const Tensor& target, const Tensor& value) {
  Tensor dst = target;
  backend::backend_for(dst).copy(value.dtype() == dst.dtype() ? value : value.astype(dst.dtype()), dst);
}

void Optimizer::assign(Variable& variable, const Tensor& value) { variable.assign(value); }

void Optimizer::to(Device device) {
  for (auto& [id, list] : slots_)
    for (auto& [name, t] : list) t = t.to(device);
  for (auto& [name, t] : globals_) t = t.to(device);
}

void Optimizer::set_learning_rate(const LearningRate& lr) {
  if (common_.learning_rate.is_schedule() && !lr.is_schedule())
    throw ValueError(cat("Optimizer ", common_.name, " was created with a LearningRateSchedule as its learning_rate, "
                         "hence its learning rate is not settable. Give it a number as learning_rate to set it."));
  if (!lr.is_schedule() && !(lr.value() >= 0))
    throw ValueError(cat("Optimizer ", common_.name, ": learning_rate must be >= 0, got ", lr.value()));
  common_.learning_rate = lr;
}

struct Optimizer::DecayExclusion {
  std::unordered_set<const void*> ids;
  std::optional<std::regex> names;
  std::unordered_map<const void*, bool> answers;
};

void Optimizer::exclude_from_weight_decay(const std::vector<Variable>& var_list,
                                          const std::vector<std::string>& var_names) {
  // Keras replaces both settings on each call; the pattern is the names joined by "|".
  auto ex = std::make_shared<DecayExclusion>();
  std::string pattern;
  for (const auto& n : var_names) pattern += (pattern.empty() ? "" : "|") + n;
  try {
    if (!pattern.empty()) ex->names.emplace(pattern);
  } catch (const std::regex_error& e) {
    throw ValueError(cat("Optimizer ", common_.name, ": exclude_from_weight_decay: invalid var_names pattern '",
                         pattern, "': ", e.what()));
  }
  for (const Variable& v : var_list) ex->ids.insert(v.id());
  exclusion_ = std::move(ex);
}

bool Optimizer::use_weight_decay(const Variable& variable) const {
  if (!exclusion_) return true;
  auto& answers = exclusion_->answers;
  if (auto it = answers.find(variable.id()); it != answers.end()) return it->second;
  bool use = !exclusion_->ids.contains(variable.id());
  if (use && exclusion_->names) use = !std::regex_search(variable.name(), *exclusion_->names);
  answers[variable.id()] = use;
  return use;
}

std::optional<double> Optimizer::weight_decay_for(const Variable&) const { return common_.weight_decay; }

void Optimizer::finalize_variable_values(const std::vector<Variable>& variables) {
  if (!common_.use_ema || !built_) return;
  autograd::NoGradGuard no_grad;
  for (const Variable& v : variables) {
    if (!v.trainable()) continue;
    Variable var = v;
    var.assign(slot(var, "average"));
  }
}

void Optimizer::swap_moving_averages(const std::vector<Variable>& variables) {
  if (!common_.use_ema)
    throw ValueError(cat("Optimizer ", common_.name,
                         ": swapping in the moving averages of the weights needs use_ema=true (Received: "
                         "use_ema=false)"));
  if (!built_) return;
  autograd::NoGradGuard no_grad;
  for (const Variable& v : variables) {
    if (!v.trainable()) continue;
    Variable var = v;
    Tensor average = slot(var, "average");
    const Tensor weights = var.value().clone();
    var.assign(average);
    assign(average, weights);
  }
}

void Optimizer::copy_variables_to_moving_averages(const std::vector<Variable>& variables) {
  if (!common_.use_ema || !built_) return;
  autograd::NoGradGuard no_grad;
  for (const Variable& v : variables)
    if (v.trainable()) assign(slot(v, "average"), v.value());
}

Tensor Optimizer::scale_loss(const Tensor& loss) const {
  return common_.loss_scale_factor ? loss * *common_.loss_scale_factor : loss;
}

TensorList Optimizer::state_values(const std::vector<Variable>& trainable) {
  // Keras tracks a learning_rate variable only for a fixed rate.
  TensorList out{Tensor::scalar(static_cast<double>(iterations_), DType::int64, Device::cpu())};
  if (!common_.learning_rate.is_schedule())
    out.push_back(Tensor::scalar(common_.learning_rate.value(), DType::float32, Device::cpu()));
  if (!built_) return out;
  if (!trainable.empty()) {
    const size_t groups = full_layout(trainable.front()).size();
    for (size_t g = 0; g < groups; ++g)
      for (const Variable& v : trainable) {
        const auto layout = full_layout(v);  // (a temporary's element would dangle in the loop)
        for (const auto& spec : layout.at(g)) out.push_back(slot(v, spec.name));
      }
  }
  for (const auto& spec : global_slots()) out.push_back(global_slot(spec.name));
  return out;
}

std::vector<Shape> Optimizer::state_shapes(const std::vector<Variable>& trainable) const {
  std::vector<Shape> out(common_.learning_rate.is_schedule() ? 1 : 2, Shape{});
  if (!trainable.empty()) {
    const size_t groups = full_layout(trainable.front()).size();
    for (size_t g = 0; g < groups; ++g)
      for (const Variable& v : trainable) {
        const auto layout = full_layout(v);  // (a temporary's element would dangle in the loop)
        for (const auto& spec : layout.at(g)) out.push_back(spec.shape ? *spec.shape : v.shape());
      }
  }
  for (const auto& spec : global_slots()) out.push_back(spec.shape ? *spec.shape : Shape{});
  return out;
}

bool Optimizer::load_state_values(const std::vector<Variable>& trainable, const TensorList& values) {
  const std::vector<Shape> shapes = state_shapes(trainable);
  if (values.size() != shapes.size()) return false;
  const size_t head = common_.learning_rate.is_schedule() ? 1 : 2;  // iteration (and learning_rate)
  // Check everything before changing anything.
  for (size_t k = 0; k < values.size(); ++k) {
    if (!values[k].defined()) throw ValueError(cat("Optimizer ", common_.name, ": an undefined state value"));
    const bool ok = k < head ? values[k].size() == 1 : values[k].shape() == shapes[k];
    if (!ok)
      throw ValueError(cat("Optimizer ", common_.name, ": state ", k, " has shape ", values[k].shape().to_string(),
                           ", expected ", shapes[k].to_string()));
  }
  const double iterations = values[0].astype(DType::float64).item<double>();
  const double lr = head == 2 ? values[1].astype(DType::float64).item<double>() : 0.0;
  if (!(iterations >= 0 && iterations < 9e18) || !(lr >= 0 && std::isfinite(lr)))
    throw ValueError(cat("Optimizer ", common_.name, ": invalid iteration count or learning rate in the saved state"));
  iterations_ = static_cast<int64_t>(iterations);
  // The file holds float32 (as Keras's learning_rate variable); keep the exact value the
  // optimizer was configured with when it is the same float32.
  if (head == 2 && static_cast<float>(lr) != static_cast<float>(common_.learning_rate.value())) common_.learning_rate = lr;
  size_t k = head;
  autograd::NoGradGuard no_grad;
  if (!trainable.empty()) {
    const size_t groups = full_layout(trainable.front()).size();
    for (size_t g = 0; g < groups; ++g)
      for (const Variable& v : trainable) {
        const auto layout = full_layout(v);  // (a temporary's element would dangle in the loop)
        for (const auto& spec : layout.at(g)) assign(slot(v, spec.name), values[k++]);
      }
  }
  for (const auto& spec : global_slots()) assign(global_slot(spec.name), values[k++]);
  built_ = true;
  return true;
}

int64_t Optimizer::count_params() const {
  int64_t n = common_.learning_rate.is_schedule() ? 1 : 2;  // iterations (and learning_rate), as Keras 3 tracks them
  for (const auto& [id, list] : slots_)
    for (const auto& [name, t] : list) n += t.size();
  for (const auto& [name, t] : globals_) n += t.size();
  return n;
}

void Optimizer::apply_gradients(const TensorList& grads_in, const std::vector<Variable>& variables) {
  if (grads_in.size() != variables.size())
    throw ValueError(cat("Optimizer ", common_.name, ": got ", grads_in.size(), " gradients for ", variables.size(),
                         " variables"));
  autograd::NoGradGuard no_grad;
  for (size_t i = 0; i < grads_in.size(); ++i)
    if (grads_in[i].defined() && grads_in[i].shape() != variables[i].shape())
      throw ValueError(cat("Optimizer ", common_.name, ": gradient of shape ", grads_in[i].shape().to_string(),
                           " for variable '", variables[i].path(), "' of shape ", variables[i].shape().to_string()));
  std::vector<Variable> trainable;
  for (const Variable& v : variables)
    if (v.trainable()) trainable.push_back(v);
  build(trainable);

  // Keras's _filter_empty_gradients, then the loss scale comes off.
  TensorList grads;
  std::vector<Variable> vars;
  for (size_t i = 0; i < grads_in.size(); ++i) {
    if (!grads_in[i].defined() || !variables[i].trainable()) continue;
    grads.push_back(common_.loss_scale_factor ? grads_in[i] / *common_.loss_scale_factor : grads_in[i]);
    vars.push_back(variables[i]);
  }

  if (const int64_t steps = accumulation_steps(common_)) {
    // Keras's _backend_apply_gradients: every `steps` calls, the update with the mean of
    // the accumulated gradients and this one; the calls between only accumulate.
    if ((iterations_ + 1) % steps == 0) {
      for (size_t i = 0; i < grads.size(); ++i)
        grads[i] = (grads[i] + slot(vars[i], "gradient_accumulator")) / double(steps);
      update(grads, vars);
      for (const Variable& v : trainable) {
        Tensor acc = slot(v, "gradient_accumulator");
        assign(acc, Tensor::zeros(acc.shape(), acc.dtype(), acc.device()));
      }
    } else {
      for (size_t i = 0; i < grads.size(); ++i) {
        Tensor acc = slot(vars[i], "gradient_accumulator");
        assign(acc, acc + grads[i]);
      }
    }
  } else {
    update(grads, vars);
  }

  if (common_.use_ema) {
    // Keras's _update_model_variables_moving_average: the average starts at the weights.
    const double momentum = iterations() != 0 ? common_.ema_momentum : 0.0;
    for (const Variable& v : trainable) {
      Tensor avg = slot(v, "average");
      assign(avg, avg * momentum + v.value().detach() * (1.0 - momentum));
    }
    const int64_t every = common_.ema_overwrite_frequency.value_or(0);
    if (every > 0 && (iterations() + 1) % every == 0)
      for (const Variable& v : trainable) Variable(v).assign(slot(v, "average"));
  }
  // Keras projects the constrained variables it updated (base_optimizer.apply).
  for (const Variable& v : vars)
    if (v.constraint()) Variable(v).assign((*v.constraint())(v.value().detach()));
  ++iterations_;
}

void Optimizer::update(const TensorList& grads_in, const std::vector<Variable>& vars) {
  // Gradient clipping, as Keras's base optimizer does it.
  TensorList grads = grads_in;
  if (common_.clipvalue) {
    for (auto& g : grads) g = ops::clip(g, -*common_.clipvalue, *common_.clipvalue);
  } else if (common_.clipnorm) {
    for (auto& g : grads) {
      const double norm = std::sqrt(ops::sum(ops::square(g)).item<double>());
      if (norm > *common_.clipnorm) g = g * (*common_.clipnorm / norm);
    }
  } else if (common_.global_clipnorm) {
    double sq = 0;
    for (const auto& g : grads) sq += ops::sum(ops::square(g)).item<double>();
    const double norm = std::sqrt(sq);
    if (norm > *common_.global_clipnorm)
      for (auto& g : grads) g = g * (*common_.global_clipnorm / norm);
  }

  const double lr_now = learning_rate();  // a schedule's value at this iteration
  if (!(lr_now >= 0) || !std::isfinite(lr_now))
    throw ValueError(cat("Optimizer ", common_.name, ": the learning rate at iteration ", iterations_, " is ", lr_now,
                         "; it must be a finite number >= 0"));
  // Decoupled weight decay on every variable first (Keras's _apply_weight_decay).
  for (const Variable& v : vars) {
    const std::optional<double> wd = weight_decay_for(v);
    if (!wd || !use_weight_decay(v)) continue;
    Tensor value = v.value().detach();
    Variable(v).assign(value - value * (*wd * lr_now));
  }
  before_update_steps();
  const float lr = static_cast<float>(lr_now);
  for (size_t i = 0; i < grads.size(); ++i) {
    Variable var = vars[i];
    update_step(grads[i], var, lr);
    var.note_written();  // update_step may write the value in place
  }
}

// ---- SGD

SGD::SGD(SGDOptions o) : Optimizer(common_of(o), "SGD"), o_(o) {
  if (o.momentum < 0 || o.momentum > 1)
    throw ValueError(cat("`momentum` must be a float between [0, 1]. Received: momentum=", o.momentum));
}

std::vector<std::vector<SlotSpec>> SGD::slot_layout(const Variable&) const {
  if (o_.momentum != 0.0) return {{"momentum"}};
  return {};
}

void SGD::update_step(const Tensor& grad, Variable& variable, float lr) {
  Tensor value = variable.value();
  Tensor momentum = o_.momentum != 0.0 ? slot(variable, "momentum") : Tensor();
  backend::backend_for(value).sgd_update(value, grad, momentum, lr, static_cast<float>(o_.momentum), o_.nesterov);
}

// ---- Adam

Adam::Adam(AdamOptions o) : Optimizer(common_of(o), "adam"), o_(o) {}

std::vector<std::vector<SlotSpec>> Adam::slot_layout(const Variable&) const {
  std::vector<std::vector<SlotSpec>> layout{{"momentum", "velocity"}};
  if (o_.amsgrad) layout.push_back({"velocity_hat"});
  return layout;
}

void Adam::update_step(const Tensor& grad, Variable& variable, float lr) {
  const double t = static_cast<double>(iterations() + 1);
  const double alpha = lr * std::sqrt(1.0 - std::pow(o_.beta_2, t)) / (1.0 - std::pow(o_.beta_1, t));
  Tensor value = variable.value();
  Tensor m = slot(variable, "momentum");
  Tensor v = slot(variable, "velocity");
  Tensor v_hat = o_.amsgrad ? slot(variable, "velocity_hat") : Tensor();
  backend::backend_for(value).adam_update(value, grad, m, v, v_hat, static_cast<float>(alpha),
                                          static_cast<float>(o_.beta_1), static_cast<float>(o_.beta_2),
                                          static_cast<float>(o_.epsilon), o_.amsgrad);
}

// ---- RMSprop

RMSprop::RMSprop(RMSpropOptions o) : Optimizer(common_of(o), "rmsprop"), o_(o) {}

std::vector<std::vector<SlotSpec>> RMSprop::slot_layout(const Variable&) const {
  // Keras's RMSprop.build: all velocities, then all momentums, then all average gradients.
  std::vector<std::vector<SlotSpec>> layout{{"velocity"}};
  if (o_.momentum > 0) layout.push_back({"momentum"});
  if (o_.centered) layout.push_back({"average_gradient"});
  return layout;
}

void RMSprop::update_step(const Tensor& grad, Variable& variable, float lr) {
  Tensor value = variable.value();
  Tensor velocity = slot(variable, "velocity");
  Tensor momentum = o_.momentum > 0 ? slot(variable, "momentum") : Tensor();
  Tensor average_grad = o_.centered ? slot(variable, "average_gradient") : Tensor();
  backend::backend_for(value).rmsprop_update(value, grad, velocity, momentum, average_grad, lr,
                                             static_cast<float>(o_.rho), static_cast<float>(o_.momentum),
                                             static_cast<float>(o_.epsilon), o_.centered);
}

namespace {
ConfigValue opt(const std::optional<double>& v) { return v ? ConfigValue(*v) : ConfigValue(nullptr); }
ConfigValue opt(const std::optional<int64_t>& v) { return v ? ConfigValue(*v) : ConfigValue(nullptr); }
}  // namespace

ConfigMap Optimizer::get_config() const {
  // Keras 3's base optimizer config, in its order.
  return {{"name", common_.name},
          // A schedule is written by the saving module as its own object (Keras's nested dict).
          {"learning_rate",
           common_.learning_rate.is_schedule() ? ConfigValue(nullptr) : ConfigValue(common_.learning_rate.value())},
          {"weight_decay", opt(common_.weight_decay)},
          {"clipnorm", opt(common_.clipnorm)},
          {"global_clipnorm", opt(common_.global_clipnorm)},
          {"clipvalue", opt(common_.clipvalue)},
          {"use_ema", common_.use_ema},
          {"ema_momentum", common_.ema_momentum},
          {"ema_overwrite_frequency", opt(common_.ema_overwrite_frequency)},
          {"loss_scale_factor", opt(common_.loss_scale_factor)},
          {"gradient_accumulation_steps", opt(common_.gradient_accumulation_steps)}};
}

ConfigMap SGD::get_config() const {
  ConfigMap c = Optimizer::get_config();
  c.push_back({"momentum", o_.momentum});
  c.push_back({"nesterov", o_.nesterov});
  return c;
}

ConfigMap Adam::get_config() const {
  ConfigMap c = Optimizer::get_config();
  c.push_back({"beta_1", o_.beta_1});
  c.push_back({"beta_2", o_.beta_2});
  c.push_back({"epsilon", o_.epsilon});
  c.push_back({"amsgrad", o_.amsgrad});
  return c;
}

ConfigMap RMSprop::get_config() const {
  ConfigMap c = Optimizer::get_config();
  c.push_back({"rho", o_.rho});
  c.push_back({"momentum", o_.momentum});
  c.push_back({"epsilon", o_.epsilon});
  c.push_back({"centered", o_.centered});
  return c;
}

}  // namespace keras::optimizers
