#include "keras/optimizers/adadelta.h"

#include "keras/ops/math.h"
#include "optimizers/config_utils.h"

namespace keras::optimizers {

Adadelta::Adadelta(AdadeltaOptions o) : Optimizer(common_of(o), "adadelta"), o_(std::move(o)) {}

std::vector<std::vector<SlotSpec>> Adadelta::slot_layout(const Variable&) const {
  return {{"accumulated_grad", "accumulated_delta_var"}};
}

void Adadelta::update_step(const Tensor& grad, Variable& variable, float lr) {
  // E[g^2] = rho E[g^2] + (1 - rho) g^2; d = -sqrt(E[d^2] + eps) g / sqrt(E[g^2] + eps);
  // E[d^2] = rho E[d^2] + (1 - rho) d^2; w += lr d.
  const double rho = o_.rho;
  Tensor acc_grad = slot(variable, "accumulated_grad"), acc_delta = slot(variable, "accumulated_delta_var");
  assign(acc_grad, acc_grad * rho + ops::square(grad) * (1.0 - rho));
  const Tensor delta = -(ops::sqrt(acc_delta + o_.epsilon) * grad) / ops::sqrt(acc_grad + o_.epsilon);
  assign(acc_delta, acc_delta * rho + ops::square(delta) * (1.0 - rho));
  const Tensor w = variable.value().detach();
  assign(variable, w + delta * static_cast<double>(lr));
}

ConfigMap Adadelta::get_config() const {
  ConfigMap c = Optimizer::get_config();
  c.push_back({"rho", o_.rho});
  c.push_back({"epsilon", o_.epsilon});
  return c;
}

std::shared_ptr<Adadelta> Adadelta::from_config(const ConfigMap& c) {
  AdadeltaOptions o;
  config::read_common(c, o);
  o.rho = config::num(c, "rho", o.rho);
  o.epsilon = config::num(c, "epsilon", o.epsilon);
  return std::make_shared<Adadelta>(o);
}

}  // namespace keras::optimizers
