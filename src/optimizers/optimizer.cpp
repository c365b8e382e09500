#include "keras/optimizers/optimizer.h"

#include <cctype>
#include <cmath>

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
}

Tensor Optimizer::slot(const Variable& variable, const std::string& name) {
  auto& list = slots_[variable.id()];
  for (auto& [n, t] : list)
    if (n == name) return t;
  list.emplace_back(name, Tensor::zeros(variable.shape(), variable.dtype(), variable.value().device()));
  return list.back().second;
}

void Optimizer::to(Device device) {
  for (auto& [id, list] : slots_)
    for (auto& [name, t] : list) t = t.to(device);
}

void Optimizer::set_learning_rate(const LearningRate& lr) {
  if (common_.learning_rate.is_schedule() && !lr.is_schedule())
    throw ValueError(cat("Optimizer ", common_.name, " was created with a LearningRateSchedule as its learning_rate, "
                         "hence its learning rate is not settable. Give it a number as learning_rate to set it."));
  if (!lr.is_schedule() && !(lr.value() >= 0))
    throw ValueError(cat("Optimizer ", common_.name, ": learning_rate must be >= 0, got ", lr.value()));
  common_.learning_rate = lr;
}

TensorList Optimizer::state_values(const std::vector<Variable>& trainable) {
  // Keras tracks a learning_rate variable only for a fixed rate.
  TensorList out{Tensor::scalar(static_cast<double>(iterations_), DType::int64, Device::cpu())};
  if (!common_.learning_rate.is_schedule())
    out.push_back(Tensor::scalar(common_.learning_rate.value(), DType::float32, Device::cpu()));
  if (iterations_ == 0 && slots_.empty()) return out;  // not built yet
  for (const auto& group : slot_layout())
    for (const Variable& v : trainable)
      for (const auto& name : group) out.push_back(slot(v, name));
  return out;
}

std::vector<Shape> Optimizer::state_shapes(const std::vector<Variable>& trainable) const {
  std::vector<Shape> out(common_.learning_rate.is_schedule() ? 1 : 2, Shape{});
  for (const auto& group : slot_layout())
    for (const Variable& v : trainable)
      for (size_t i = 0; i < group.size(); ++i) out.push_back(v.shape());
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
  for (const auto& group : slot_layout())
    for (const Variable& v : trainable)
      for (const auto& name : group) {
        Tensor s = slot(v, name);
        backend::backend_for(s).copy(values[k].astype(s.dtype()), s);
        ++k;
      }
  return true;
}

int64_t Optimizer::count_params() const {
  int64_t n = common_.learning_rate.is_schedule() ? 1 : 2;  // iterations (and learning_rate), as Keras 3 tracks them
  for (const auto& [id, list] : slots_)
    for (const auto& [name, t] : list) n += t.size();
  return n;
}

void Optimizer::apply_gradients(const TensorList& grads_in, const std::vector<Variable>& variables) {
  if (grads_in.size() != variables.size())
    throw ValueError(cat("Optimizer ", common_.name, ": got ", grads_in.size(), " gradients for ", variables.size(),
                         " variables"));
  autograd::NoGradGuard no_grad;
  TensorList grads = grads_in;
  for (size_t i = 0; i < grads.size(); ++i)
    if (grads[i].defined() && grads[i].shape() != variables[i].shape())
      throw ValueError(cat("Optimizer ", common_.name, ": gradient of shape ", grads[i].shape().to_string(),
                           " for variable '", variables[i].path(), "' of shape ", variables[i].shape().to_string()));

  // Gradient clipping, as Keras's base optimizer does it.
  if (common_.clipvalue) {
    for (auto& g : grads)
      if (g.defined()) g = ops::clip(g, -*common_.clipvalue, *common_.clipvalue);
  } else if (common_.clipnorm) {
    for (auto& g : grads) {
      if (!g.defined()) continue;
      const double norm = std::sqrt(ops::sum(ops::square(g)).item<double>());
      if (norm > *common_.clipnorm) g = g * (*common_.clipnorm / norm);
    }
  } else if (common_.global_clipnorm) {
    double sq = 0;
    for (const auto& g : grads)
      if (g.defined()) sq += ops::sum(ops::square(g)).item<double>();
    const double norm = std::sqrt(sq);
    if (norm > *common_.global_clipnorm)
      for (auto& g : grads)
        if (g.defined()) g = g * (*common_.global_clipnorm / norm);
  }

  const double lr_now = learning_rate();  // a schedule's value at this iteration
  if (!(lr_now >= 0) || !std::isfinite(lr_now))
    throw ValueError(cat("Optimizer ", common_.name, ": the learning rate at iteration ", iterations_, " is ", lr_now,
                         "; it must be a finite number >= 0"));
  const float lr = static_cast<float>(lr_now);
  for (size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].defined()) continue;
    Variable var = variables[i];
    if (!var.trainable()) continue;
    if (common_.weight_decay && *common_.weight_decay != 0.0) {
      // Decoupled weight decay: var -= var * wd * lr.
      Tensor v = var.value();
      Tensor decayed = v.detach() * (1.0 - *common_.weight_decay * lr_now);
      var.assign(decayed);
    }
    update_step(grads[i], var, lr);
    var.note_written();  // update_step wrote the value in place
  }
  // Keras projects the constrained variables it updated (base_optimizer.apply).
  for (size_t i = 0; i < variables.size(); ++i) {
    const Variable& v = variables[i];
    if (grads[i].defined() && v.trainable() && v.constraint()) Variable(v).assign((*v.constraint())(v.value().detach()));
  }
  ++iterations_;
}

// ---- SGD

SGD::SGD(SGDOptions o)
    : Optimizer({o.learning_rate, o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm, o.name}, "SGD"), o_(o) {
  if (o.momentum < 0 || o.momentum > 1)
    throw ValueError(cat("`momentum` must be a float between [0, 1]. Received: momentum=", o.momentum));
}

std::vector<std::vector<std::string>> SGD::slot_layout() const {
  if (o_.momentum != 0.0) return {{"momentum"}};
  return {};
}

void SGD::update_step(const Tensor& grad, Variable& variable, float lr) {
  Tensor value = variable.value();
  Tensor momentum = o_.momentum != 0.0 ? slot(variable, "momentum") : Tensor();
  backend::backend_for(value).sgd_update(value, grad, momentum, lr, static_cast<float>(o_.momentum), o_.nesterov);
}

// ---- Adam

Adam::Adam(AdamOptions o)
    : Optimizer({o.learning_rate, o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm, o.name}, "adam"), o_(o) {}

std::vector<std::vector<std::string>> Adam::slot_layout() const {
  std::vector<std::vector<std::string>> layout{{"momentum", "velocity"}};
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

RMSprop::RMSprop(RMSpropOptions o)
    : Optimizer({o.learning_rate, o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm, o.name}, "rmsprop"),
      o_(o) {}

std::vector<std::vector<std::string>> RMSprop::slot_layout() const {
  // Keras's RMSprop.build: all velocities, then all momentums, then all average gradients.
  std::vector<std::vector<std::string>> layout{{"velocity"}};
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
}  // namespace

ConfigMap Optimizer::get_config() const {
  // Keras 3's base optimizer config, in its order.
  return {{"name", common_.name},
          // A schedule is written by the saving module as its own object (Keras's nested dict).
          {"learning_rate", common_.learning_rate.is_schedule() ? ConfigValue(nullptr)
                                                                 : ConfigValue(common_.learning_rate.value())},
          {"weight_decay", opt(common_.weight_decay)},
          {"clipnorm", opt(common_.clipnorm)},
          {"global_clipnorm", opt(common_.global_clipnorm)},
          {"clipvalue", opt(common_.clipvalue)},
          {"use_ema", false},
          {"ema_momentum", 0.99},
          {"ema_overwrite_frequency", nullptr},
          {"loss_scale_factor", nullptr},
          {"gradient_accumulation_steps", nullptr}};
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

namespace {
double num(const ConfigMap& c, const char* k, double fallback) {
  const ConfigValue* v = config_find(c, k);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return fallback;
  if (const auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(v)) return *d;
  throw ValueError(cat("Optimizer config: `", k, "` must be a number"));
}
std::optional<double> maybe(const ConfigMap& c, const char* k) {
  const ConfigValue* v = config_find(c, k);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return std::nullopt;
  return num(c, k, 0.0);
}
bool flag(const ConfigMap& c, const char* k, bool fallback) {
  const ConfigValue* v = config_find(c, k);
  if (!v) return fallback;
  if (const auto* b = std::get_if<bool>(v)) return *b;
  throw ValueError(cat("Optimizer config: `", k, "` must be true or false"));
}
std::string text(const ConfigMap& c, const char* k, const std::string& fallback) {
  const ConfigValue* v = config_find(c, k);
  if (const auto* s = v ? std::get_if<std::string>(v) : nullptr) return *s;
  return fallback;
}
}  // namespace

std::shared_ptr<Optimizer> from_config(const std::string& class_name, const ConfigMap& c) {
  std::string n;
  for (char ch : class_name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (n == "adam")
    return std::make_shared<Adam>(AdamOptions{num(c, "learning_rate", 0.001), num(c, "beta_1", 0.9), num(c, "beta_2", 0.999),
                                              num(c, "epsilon", 1e-7), flag(c, "amsgrad", false), maybe(c, "weight_decay"),
                                              maybe(c, "clipnorm"), maybe(c, "clipvalue"), maybe(c, "global_clipnorm"),
                                              text(c, "name", "adam")});
  if (n == "sgd")
    return std::make_shared<SGD>(SGDOptions{num(c, "learning_rate", 0.01), num(c, "momentum", 0.0),
                                            flag(c, "nesterov", false), maybe(c, "weight_decay"), maybe(c, "clipnorm"),
                                            maybe(c, "clipvalue"), maybe(c, "global_clipnorm"), text(c, "name", "SGD")});
  if (n == "rmsprop")
    return std::make_shared<RMSprop>(RMSpropOptions{num(c, "learning_rate", 0.001), num(c, "rho", 0.9),
                                                    num(c, "momentum", 0.0), num(c, "epsilon", 1e-7),
                                                    flag(c, "centered", false), maybe(c, "weight_decay"),
                                                    maybe(c, "clipnorm"), maybe(c, "clipvalue"),
                                                    maybe(c, "global_clipnorm"), text(c, "name", "rmsprop")});
  throw ValueError(cat("Could not interpret optimizer identifier: '", class_name, "'. Known: Adam, SGD, RMSprop"));
}

std::shared_ptr<Optimizer> get(const std::string& name) {
  std::string c;
  for (char ch : name) c += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::shared_ptr<Optimizer> o;
  if (c == "adam") o = std::make_shared<Adam>();
  else if (c == "sgd") o = std::make_shared<SGD>();
  else if (c == "rmsprop") o = std::make_shared<RMSprop>();
  if (o) {
    o->set_spec(name);
    return o;
  }
  throw ValueError(cat("Could not interpret optimizer identifier: '", name, "'. Known: adam, sgd, rmsprop"));
}

}  // namespace keras::optimizers
