#include "keras/optimizers/ftrl.h"

#include "keras/errors.h"
#include "keras/ops/math.h"
#include "optimizers/config_utils.h"

namespace keras::optimizers {

using keras::detail::cat;

Ftrl::Ftrl(FtrlOptions o) : Optimizer(common_of(o), "ftrl"), o_(std::move(o)) {
  const auto check = [](double v, const char* what, const char* rule) {
    if (!(v >= 0.0)) throw ValueError(cat("Ftrl: `", what, "` needs to be ", rule, ". Received: ", what, "=", v, "."));
  };
  check(o_.initial_accumulator_value, "initial_accumulator_value", "positive or zero");
  if (!(o_.learning_rate_power <= 0.0))
    throw ValueError(cat("Ftrl: `learning_rate_power` needs to be negative or zero. Received: learning_rate_power=",
                         o_.learning_rate_power, "."));
  check(o_.l1_regularization_strength, "l1_regularization_strength", "positive or zero");
  check(o_.l2_regularization_strength, "l2_regularization_strength", "positive or zero");
  check(o_.l2_shrinkage_regularization_strength, "l2_shrinkage_regularization_strength", "positive or zero");
}

std::vector<std::vector<SlotSpec>> Ftrl::slot_layout(const Variable&) const {
  return {{SlotSpec("accumulator", o_.initial_accumulator_value), "linear"}};
}

void Ftrl::update_step(const Tensor& grad, Variable& variable, float lr_f) {
  const double lr = lr_f;
  const double l2 = o_.l2_regularization_strength + o_.beta / (2.0 * lr);
  const double l1 = o_.l1_regularization_strength;
  Tensor accum = slot(variable, "accumulator"), linear = slot(variable, "linear");
  const Tensor w = variable.value().detach();
  const Tensor power = Tensor::scalar(-o_.learning_rate_power, w.dtype(), w.device());
  const Tensor grad_to_use = grad + w * (2.0 * o_.l2_shrinkage_regularization_strength);
  const Tensor new_accum = accum + ops::square(grad);
  const Tensor new_accum_pow = ops::power(new_accum, power);
  assign(linear, linear + grad_to_use - ((new_accum_pow - ops::power(accum, power)) / lr) * w);
  const Tensor quadratic = new_accum_pow / lr + 2.0 * l2;
  const Tensor linear_clipped = ops::clip(linear, -l1, l1);
  assign(variable, (linear_clipped - linear) / quadratic);
  assign(accum, new_accum);
}

ConfigMap Ftrl::get_config() const {
  ConfigMap c = Optimizer::get_config();
  c.push_back({"learning_rate_power", o_.learning_rate_power});
  c.push_back({"initial_accumulator_value", o_.initial_accumulator_value});
  c.push_back({"l1_regularization_strength", o_.l1_regularization_strength});
  c.push_back({"l2_regularization_strength", o_.l2_regularization_strength});
  c.push_back({"l2_shrinkage_regularization_strength", o_.l2_shrinkage_regularization_strength});
  c.push_back({"beta", o_.beta});
  return c;
}

std::shared_ptr<Ftrl> Ftrl::from_config(const ConfigMap& c) {
  FtrlOptions o;
  config::read_common(c, o);
  o.learning_rate_power = config::num(c, "learning_rate_power", o.learning_rate_power);
  o.initial_accumulator_value = config::num(c, "initial_accumulator_value", o.initial_accumulator_value);
  o.l1_regularization_strength = config::num(c, "l1_regularization_strength", o.l1_regularization_strength);
  o.l2_regularization_strength = config::num(c, "l2_regularization_strength", o.l2_regularization_strength);
  o.l2_shrinkage_regularization_strength =
      config::num(c, "l2_shrinkage_regularization_strength", o.l2_shrinkage_regularization_strength);
  o.beta = config::num(c, "beta", o.beta);
  return std::make_shared<Ftrl>(o);
}

}  // namespace keras::optimizers
