#include "keras/optimizers/adagrad.h"

#include "keras/ops/math.h"
#include "optimizers/config_utils.h"

namespace keras::optimizers {

Adagrad::Adagrad(AdagradOptions o) : Optimizer(common_of(o), "adagrad"), o_(std::move(o)) {}

std::vector<std::vector<SlotSpec>> Adagrad::slot_layout(const Variable&) const {
  return {{SlotSpec("accumulator", o_.initial_accumulator_value)}};
}

void Adagrad::update_step(const Tensor& grad, Variable& variable, float lr) {
  // acc += g^2; w -= lr g / sqrt(acc + eps).
  Tensor acc = slot(variable, "accumulator");
  assign(acc, acc + ops::square(grad));
  const Tensor w = variable.value().detach();
  assign(variable, w - (grad * static_cast<double>(lr)) / ops::sqrt(acc + o_.epsilon));
}

ConfigMap Adagrad::get_config() const {
  ConfigMap c = Optimizer::get_config();
  c.push_back({"initial_accumulator_value", o_.initial_accumulator_value});
  c.push_back({"epsilon", o_.epsilon});
  return c;
}

std::shared_ptr<Adagrad> Adagrad::from_config(const ConfigMap& c) {
  AdagradOptions o;
  config::read_common(c, o);
  o.initial_accumulator_value = config::num(c, "initial_accumulator_value", o.initial_accumulator_value);
  o.epsilon = config::num(c, "epsilon", o.epsilon);
  return std::make_shared<Adagrad>(o);
}

}  // namespace keras::optimizers
