// Nadam (keras.optimizers.Nadam, keras/src/optimizers/nadam.py): Adam with Nesterov
// momentum. Besides its slots it keeps one optimizer-wide scalar, u_product (the product
// of the momentum schedule), saved after the slots as Keras tracks it.
#pragma once

#include <memory>

#include "keras/optimizers/optimizer.h"

namespace keras::optimizers {

/// keras.optimizers.Nadam's arguments, in its order, with its defaults.
struct NadamOptions {
  LearningRate learning_rate = 0.001;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
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
  std::string name = "nadam";
};

class Nadam : public Optimizer {
 public:
  explicit Nadam(NadamOptions o = {});
  std::string class_name() const override { return "Nadam"; }
  ConfigMap get_config() const override;
  const NadamOptions& options() const { return o_; }
  /// From the config Keras writes (its get_config keys; absent keys take the defaults).
  static std::shared_ptr<Nadam> from_config(const ConfigMap& config);

 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const override;
  std::vector<SlotSpec> global_slots() const override;
  void before_update_steps() override;

 private:
  NadamOptions o_;
};

}  // namespace keras::optimizers
