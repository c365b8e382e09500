#include "keras/optimizers/adamw.h"

#include "keras/errors.h"
#include "optimizers/config_utils.h"

namespace keras::optimizers {

namespace {
AdamOptions as_adam(const AdamWOptions& o) {
  if (!o.weight_decay) throw ValueError("AdamW: Argument `weight_decay` must be a float. Received: weight_decay=None");
  return {o.learning_rate,
          o.beta_1,
          o.beta_2,
          o.epsilon,
          o.amsgrad,
          o.weight_decay,
          o.clipnorm,
          o.clipvalue,
          o.global_clipnorm,
          o.use_ema,
          o.ema_momentum,
          o.ema_overwrite_frequency,
          o.loss_scale_factor,
          o.gradient_accumulation_steps,
          o.name};
}
}  // namespace

AdamW::AdamW(AdamWOptions o) : Adam(as_adam(o)) {}

std::shared_ptr<AdamW> AdamW::from_config(const ConfigMap& c) {
  AdamWOptions o;
  config::read_common(c, o);
  o.beta_1 = config::num(c, "beta_1", o.beta_1);
  o.beta_2 = config::num(c, "beta_2", o.beta_2);
  o.epsilon = config::num(c, "epsilon", o.epsilon);
  o.amsgrad = config::flag(c, "amsgrad", o.amsgrad);
  return std::make_shared<AdamW>(o);
}

}  // namespace keras::optimizers
