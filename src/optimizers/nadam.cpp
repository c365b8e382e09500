#include "keras/optimizers/nadam.h"

#include <cmath>

#include "keras/ops/math.h"
#include "optimizers/config_utils.h"

namespace keras::optimizers {

Nadam::Nadam(NadamOptions o) : Optimizer(common_of(o), "nadam"), o_(std::move(o)) {}

std::vector<std::vector<SlotSpec>> Nadam::slot_layout(const Variable&) const { return {{"momentum", "velocity"}}; }

std::vector<SlotSpec> Nadam::global_slots() const { return {SlotSpec("u_product", Shape{}, DType::float32, 1.0)}; }

void Nadam::before_update_steps() {
  // Keras's Nadam._backend_update_step: u_product *= b1 (1 - 0.5 * 0.96^t), once per update.
  const double t = static_cast<double>(iterations() + 1);
  Tensor u = global_slot("u_product");
  const float next = static_cast<float>(u.item<float>() * o_.beta_1 * (1.0 - 0.5 * std::pow(0.96, t)));
  assign(u, Tensor::scalar(next, u.dtype(), u.device()));
}

void Nadam::update_step(const Tensor& grad, Variable& variable, float lr) {
  const double t = static_cast<double>(iterations() + 1);
  const double u_t = o_.beta_1 * (1.0 - 0.5 * std::pow(0.96, t));
  const double u_t_1 = o_.beta_1 * (1.0 - 0.5 * std::pow(0.96, t + 1));
  const double u_product_t = global_slot("u_product").item<float>();
  const double u_product_t_1 = u_product_t * u_t_1;
  Tensor m = slot(variable, "momentum"), v = slot(variable, "velocity");
  assign(m, m + (grad - m) * (1.0 - o_.beta_1));
  assign(v, v + (ops::square(grad) - v) * (1.0 - o_.beta_2));
  const Tensor m_hat = m * (u_t_1 / (1.0 - u_product_t_1)) + grad * ((1.0 - u_t) / (1.0 - u_product_t));
  const Tensor v_hat = v / (1.0 - std::pow(o_.beta_2, t));
  const Tensor w = variable.value().detach();
  assign(variable, w - (m_hat * static_cast<double>(lr)) / (ops::sqrt(v_hat) + o_.epsilon));
}

ConfigMap Nadam::get_config() const {
  ConfigMap c = Optimizer::get_config();
  c.push_back({"beta_1", o_.beta_1});
  c.push_back({"beta_2", o_.beta_2});
  c.push_back({"epsilon", o_.epsilon});
  return c;
}

std::shared_ptr<Nadam> Nadam::from_config(const ConfigMap& c) {
  NadamOptions o;
  config::read_common(c, o);
  o.beta_1 = config::num(c, "beta_1", o.beta_1);
  o.beta_2 = config::num(c, "beta_2", o.beta_2);
  o.epsilon = config::num(c, "epsilon", o.epsilon);
  return std::make_shared<Nadam>(o);
}

}  // namespace keras::optimizers
