#include "keras/optimizers/lamb.h"

#include <cmath>

#include "keras/ops/math.h"
#include "optimizers/config_utils.h"

namespace keras::optimizers {

Lamb::Lamb(LambOptions o) : Optimizer(common_of(o), "lamb"), o_(std::move(o)) {}

std::vector<std::vector<SlotSpec>> Lamb::slot_layout(const Variable&) const { return {{"momentum", "velocity"}}; }

void Lamb::update_step(const Tensor& grad, Variable& variable, float lr) {
  // Adam's moments, bias-corrected; update = m_hat / (sqrt(v_hat) + eps); the step is
  // scaled by ||w|| / ||update|| (1 when either norm is zero).
  const double t = static_cast<double>(iterations() + 1);
  Tensor m = slot(variable, "momentum"), v = slot(variable, "velocity");
  assign(m, m + (grad - m) * (1.0 - o_.beta_1));
  assign(v, v + (ops::square(grad) - v) * (1.0 - o_.beta_2));
  const Tensor m_hat = m / (1.0 - std::pow(o_.beta_1, t));
  const Tensor v_sqrt = ops::sqrt(v / (1.0 - std::pow(o_.beta_2, t))) + o_.epsilon;
  const Tensor update = m_hat / v_sqrt;
  const Tensor w = variable.value().detach();
  const double w_norm = std::sqrt(ops::sum(ops::square(w)).item<double>());
  const double g_norm = std::sqrt(ops::sum(ops::square(update)).item<double>());
  const double ratio = w_norm > 0 && g_norm > 0 ? w_norm / g_norm : 1.0;
  assign(variable, w - update * (ratio * lr));
}

ConfigMap Lamb::get_config() const {
  ConfigMap c = Optimizer::get_config();
  c.push_back({"beta_1", o_.beta_1});
  c.push_back({"beta_2", o_.beta_2});
  c.push_back({"epsilon", o_.epsilon});
  return c;
}

std::shared_ptr<Lamb> Lamb::from_config(const ConfigMap& c) {
  LambOptions o;
  config::read_common(c, o);
  o.beta_1 = config::num(c, "beta_1", o.beta_1);
  o.beta_2 = config::num(c, "beta_2", o.beta_2);
  o.epsilon = config::num(c, "epsilon", o.epsilon);
  return std::make_shared<Lamb>(o);
}

}  // namespace keras::optimizers
