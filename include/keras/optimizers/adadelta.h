// Adadelta (keras.optimizers.Adadelta, keras/src/optimizers/adadelta.py): steps from
// moving windows of squared gradients and squared updates.
#pragma once

#include <memory>

#include "keras/optimizers/optimizer.h"

namespace keras::optimizers {

/// keras.optimizers.Adadelta's arguments, in its order, with its defaults.
struct AdadeltaOptions {
  LearningRate learning_rate = 0.001;
  double rho = 0.95;
  double epsilon = 1e-7;
  std::optional<double> weight_decay{};
  std::optional<double> clipnorm{};
  std::optional<double> clipvalue{};
  std::optional<double> global_clipnorm{};
  bool use_ema = false;
  double ema_momentum = 0.99;
  std::optional<int64_t> ema_overwrite_frequency{};
  std::optional<double> loss_scale_factor{};
  std::optional<int64_t> gradient_accumulation_steps{};
  std::string name = "adadelta";
};

class Adadelta : public Optimizer {
 public:
  explicit Adadelta(AdadeltaOptions o = {});
  std::string class_name() const override { return "Adadelta"; }
  ConfigMap get_config() const override;
  const AdadeltaOptions& options() const { return o_; }
  /// From the config Keras writes (its get_config keys; absent keys take the defaults).
  static std::shared_ptr<Adadelta> from_config(const ConfigMap& config);

 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const override;

 private:
  AdadeltaOptions o_;
};

}  // namespace keras::optimizers
