#include "keras/optimizers/adamax.h"

#include <cmath>

#include "keras/ops/math.h"
#include "optimizers/config_utils.h"

namespace keras::optimizers {

Adamax::Adamax(AdamaxOptions o) : Optimizer(common_of(o), "adamax"), o_(std::move(o)) {}

std::vector<std::vector<SlotSpec>> Adamax::slot_layout(const Variable&) const { return {{"momentum", "norm"}}; }

void Adamax::update_step(const Tensor& grad, Variable& variable, float lr) {
  // m += (g - m)(1 - b1); u = max(b2 u, |g|); w -= lr m / ((1 - b1^t)(u + eps)).
  const double t = static_cast<double>(iterations() + 1);
  Tensor m = slot(variable, "momentum"), u = slot(variable, "norm");
  assign(m, m + (grad - m) * (1.0 - o_.beta_1));
  assign(u, ops::maximum(u * o_.beta_2, ops::abs(grad)));
  const Tensor w = variable.value().detach();
  assign(variable, w - (m * static_cast<double>(lr)) / ((u + o_.epsilon) * (1.0 - std::pow(o_.beta_1, t))));
}

ConfigMap Adamax::get_config() const {
  ConfigMap c = Optimizer::get_config();
  c.push_back({"beta_1", o_.beta_1});
  c.push_back({"beta_2", o_.beta_2});
  c.push_back({"epsilon", o_.epsilon});
  return c;
}

std::shared_ptr<Adamax> Adamax::from_config(const ConfigMap& c) {
  AdamaxOptions o;
  config::read_common(c, o);
  o.beta_1 = config::num(c, "beta_1", o.beta_1);
  o.beta_2 = config::num(c, "beta_2", o.beta_2);
  o.epsilon = config::num(c, "epsilon", o.epsilon);
  return std::make_shared<Adamax>(o);
}

}  // namespace keras::optimizers
