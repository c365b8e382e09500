#include "keras/optimizers/lion.h"

#include "keras/errors.h"
#include "keras/ops/math.h"
#include "optimizers/config_utils.h"

namespace keras::optimizers {

using keras::detail::cat;

Lion::Lion(LionOptions o) : Optimizer(common_of(o), "lion"), o_(std::move(o)) {
  if (!(o_.beta_1 > 0 && o_.beta_1 <= 1))
    throw ValueError(
        cat("Lion: Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates to "
            "SignSGD. Received: beta_1=",
            o_.beta_1, "."));
}

std::vector<std::vector<SlotSpec>> Lion::slot_layout(const Variable&) const { return {{"momentum"}}; }

void Lion::update_step(const Tensor& grad, Variable& variable, float lr) {
  // w -= lr sign(b1 m + (1 - b1) g); m = b2 m + (1 - b2) g.
  Tensor m = slot(variable, "momentum");
  const Tensor w = variable.value().detach();
  assign(variable, w - ops::sign(m * o_.beta_1 + grad * (1.0 - o_.beta_1)) * static_cast<double>(lr));
  assign(m, m * o_.beta_2 + grad * (1.0 - o_.beta_2));
}

ConfigMap Lion::get_config() const {
  ConfigMap c = Optimizer::get_config();
  c.push_back({"beta_1", o_.beta_1});
  c.push_back({"beta_2", o_.beta_2});
  return c;
}

std::shared_ptr<Lion> Lion::from_config(const ConfigMap& c) {
  LionOptions o;
  config::read_common(c, o);
  o.beta_1 = config::num(c, "beta_1", o.beta_1);
  o.beta_2 = config::num(c, "beta_2", o.beta_2);
  return std::make_shared<Lion>(o);
}

}  // namespace keras::optimizers
