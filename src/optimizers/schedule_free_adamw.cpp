#include "keras/optimizers/schedule_free_adamw.h"

#include <algorithm>
#include <cmath>

#include "keras/ops/math.h"
#include "optimizers/config_utils.h"

namespace keras::optimizers {

ScheduleFreeAdamW::ScheduleFreeAdamW(ScheduleFreeAdamWOptions o)
    : Optimizer(common_of(o), "schedule_free_adam_w"), o_(std::move(o)) {}

std::vector<std::vector<SlotSpec>> ScheduleFreeAdamW::slot_layout(const Variable&) const {
  SlotSpec momentum("momentum");
  momentum.copy_of_variable = true;  // Keras's build assigns ops.copy(var)
  return {{momentum, "velocity"}};
}

void ScheduleFreeAdamW::update_step(const Tensor& grad, Variable& variable, float lr_f) {
  const double t = static_cast<double>(iterations() + 1);
  double lr = lr_f;
  if (o_.warmup_steps > 0) lr *= std::min(t / static_cast<double>(o_.warmup_steps), 1.0);
  const double b1 = o_.beta_1;
  Tensor z = slot(variable, "momentum"), v = slot(variable, "velocity");
  const Tensor z_old = z.clone();
  assign(v, v + (ops::square(grad) - v) * (1.0 - o_.beta_2));
  const Tensor denom = ops::sqrt(v / (1.0 - std::pow(o_.beta_2, t))) + o_.epsilon;
  assign(z, z - (grad * lr) / denom);
  const double weight = 1.0 / t;
  const Tensor y = variable.value().detach();
  const Tensor x_old = (y - z_old * (1.0 - b1)) / b1;
  const Tensor x_new = x_old * (1.0 - weight) + z * weight;
  assign(variable, z * (1.0 - b1) + x_new * b1);
}

ConfigMap ScheduleFreeAdamW::get_config() const {
  ConfigMap c = Optimizer::get_config();
  c.push_back({"beta_1", o_.beta_1});
  c.push_back({"beta_2", o_.beta_2});
  c.push_back({"epsilon", o_.epsilon});
  c.push_back({"warmup_steps", o_.warmup_steps});
  return c;
}

std::shared_ptr<ScheduleFreeAdamW> ScheduleFreeAdamW::from_config(const ConfigMap& c) {
  ScheduleFreeAdamWOptions o;
  config::read_common(c, o);
  o.beta_1 = config::num(c, "beta_1", o.beta_1);
  o.beta_2 = config::num(c, "beta_2", o.beta_2);
  o.epsilon = config::num(c, "epsilon", o.epsilon);
  o.warmup_steps = config::maybe_int(c, "warmup_steps").value_or(0);
  return std::make_shared<ScheduleFreeAdamW>(o);
}

}  // namespace keras::optimizers
