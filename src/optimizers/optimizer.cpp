#include "keras/optimizers/optimizer.h"

#include <cctype>
#include <cmath>

#include "backend/backend.h"
#include "keras/autograd/gradient_tape.h"
#include "keras/ops/math.h"

namespace keras::optimizers {

using keras::detail::cat;

Optimizer::Optimizer(OptimizerCommon common, std::string default_name) : common_(std::move(common)) {
  if (common_.name.empty()) common_.name = std::move(default_name);
  if (!(common_.learning_rate >= 0))
    throw ValueError(cat("Optimizer ", common_.name, ": learning_rate must be >= 0, got ", common_.learning_rate));
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

int64_t Optimizer::count_params() const {
  int64_t n = 2;  // iterations and learning_rate, as Keras 3 tracks them
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

  const float lr = static_cast<float>(common_.learning_rate);
  for (size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].defined()) continue;
    Variable var = variables[i];
    if (!var.trainable()) continue;
    if (common_.weight_decay && *common_.weight_decay != 0.0) {
      // Decoupled weight decay: var -= var * wd * lr.
      Tensor v = var.value();
      Tensor decayed = v.detach() * (1.0 - *common_.weight_decay * common_.learning_rate);
      var.assign(decayed);
    }
    update_step(grads[i], var, lr);
  }
  ++iterations_;
}

// ---- SGD

SGD::SGD(SGDOptions o)
    : Optimizer({o.learning_rate, o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm, o.name}, "SGD"), o_(o) {
  if (o.momentum < 0 || o.momentum > 1)
    throw ValueError(cat("`momentum` must be a float between [0, 1]. Received: momentum=", o.momentum));
}

void SGD::update_step(const Tensor& grad, Variable& variable, float lr) {
  Tensor value = variable.value();
  Tensor momentum = o_.momentum != 0.0 ? slot(variable, "momentum") : Tensor();
  backend::backend_for(value).sgd_update(value, grad, momentum, lr, static_cast<float>(o_.momentum), o_.nesterov);
}

// ---- Adam

Adam::Adam(AdamOptions o)
    : Optimizer({o.learning_rate, o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm, o.name}, "adam"), o_(o) {}

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

void RMSprop::update_step(const Tensor& grad, Variable& variable, float lr) {
  Tensor value = variable.value();
  Tensor velocity = slot(variable, "velocity");
  Tensor momentum = o_.momentum > 0 ? slot(variable, "momentum") : Tensor();
  Tensor average_grad = o_.centered ? slot(variable, "average_gradient") : Tensor();
  backend::backend_for(value).rmsprop_update(value, grad, velocity, momentum, average_grad, lr,
                                             static_cast<float>(o_.rho), static_cast<float>(o_.momentum),
                                             static_cast<float>(o_.epsilon), o_.centered);
}

std::shared_ptr<Optimizer> get(const std::string& name) {
  std::string c;
  for (char ch : name) c += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (c == "adam") return std::make_shared<Adam>();
  if (c == "sgd") return std::make_shared<SGD>();
  if (c == "rmsprop") return std::make_shared<RMSprop>();
  throw ValueError(cat("Could not interpret optimizer identifier: '", name, "'. Known: adam, sgd, rmsprop"));
}

}  // namespace keras::optimizers
