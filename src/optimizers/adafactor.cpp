#include "keras/optimizers/adafactor.h"

#include <algorithm>
#include <cmath>

#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "optimizers/config_utils.h"

namespace keras::optimizers {

Adafactor::Adafactor(AdafactorOptions o) : Optimizer(common_of(o), "adafactor"), o_(std::move(o)) {}

std::vector<std::vector<SlotSpec>> Adafactor::slot_layout(const Variable& variable) const {
  const Shape& s = variable.shape();
  if (s.rank() < 2)  // Keras's backend.Variable(0): an unused integer scalar
    return {{SlotSpec("r", Shape{}, DType::int32), SlotSpec("c", Shape{}, DType::int32), "velocity"}};
  std::vector<int64_t> r(s.dims().begin(), s.dims().end() - 1);
  std::vector<int64_t> c(s.dims().begin(), s.dims().end() - 2);
  c.push_back(s.dims().back());
  return {{SlotSpec("r", Shape(r), variable.dtype()), SlotSpec("c", Shape(c), variable.dtype()), "velocity"}};
}

namespace {
double rms(const Tensor& x) { return std::sqrt(ops::mean(ops::square(x)).item<double>()); }
}  // namespace

void Adafactor::update_step(const Tensor& grad, Variable& variable, float lr_f) {
  const double t = static_cast<double>(iterations() + 1);
  double lr = lr_f;
  if (!learning_rate_setting().is_schedule() && o_.relative_step) lr = std::min(lr, 1.0 / std::sqrt(t));
  const double rho_t = std::min(lr, 1.0 / std::sqrt(t));
  const Tensor w = variable.value().detach();
  const double alpha_t = std::max(o_.epsilon_2, rms(w)) * rho_t;
  const Tensor regulated_grad_square = ops::square(grad) + o_.epsilon_1;
  const double beta_2_t = 1.0 - std::pow(t, o_.beta_2_decay);
  Tensor v = slot(variable, "velocity");
  if (w.shape().rank() >= 2) {
    Tensor r = slot(variable, "r"), c = slot(variable, "c");
    assign(r, r * beta_2_t + ops::mean(regulated_grad_square, {-1}) * (1.0 - beta_2_t));
    assign(c, c * beta_2_t + ops::mean(regulated_grad_square, {-2}) * (1.0 - beta_2_t));
    assign(v, ops::expand_dims(r / ops::mean(r, {-1}, /*keepdims=*/true), -1) * ops::expand_dims(c, -2));
  } else {
    assign(v, v * beta_2_t + regulated_grad_square * (1.0 - beta_2_t));
  }
  const Tensor u_t = grad / ops::sqrt(v);
  const Tensor u_t_hat = u_t / std::max(1.0, rms(u_t) / o_.clip_threshold);
  assign(variable, w - u_t_hat * alpha_t);
}

ConfigMap Adafactor::get_config() const {
  ConfigMap c = Optimizer::get_config();
  c.push_back({"beta_2_decay", o_.beta_2_decay});
  c.push_back({"epsilon_1", o_.epsilon_1});
  c.push_back({"epsilon_2", o_.epsilon_2});
  c.push_back({"clip_threshold", o_.clip_threshold});
  c.push_back({"relative_step", o_.relative_step});
  return c;
}

std::shared_ptr<Adafactor> Adafactor::from_config(const ConfigMap& c) {
  AdafactorOptions o;
  config::read_common(c, o);
  o.beta_2_decay = config::num(c, "beta_2_decay", o.beta_2_decay);
  o.epsilon_1 = config::num(c, "epsilon_1", o.epsilon_1);
  o.epsilon_2 = config::num(c, "epsilon_2", o.epsilon_2);
  o.clip_threshold = config::num(c, "clip_threshold", o.clip_threshold);
  o.relative_step = config::flag(c, "relative_step", o.relative_step);
  return std::make_shared<Adafactor>(o);
}

}  // namespace keras::optimizers
