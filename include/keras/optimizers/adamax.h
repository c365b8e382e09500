// Adamax (keras.optimizers.Adamax, keras/src/optimizers/adamax.py): Adam with the
// infinity norm of past gradients in place of the second moment.
#pragma once

#include <memory>

#include "keras/optimizers/optimizer.h"

namespace keras::optimizers {

/// keras.optimizers.Adamax's arguments, in its order, with its defaults.
struct AdamaxOptions {
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
  std::string name = "adamax";
};

class Adamax : public Optimizer {
 public:
  explicit Adamax(AdamaxOptions o = {});
  std::string class_name() const override { return "Adamax"; }
  ConfigMap get_config() const override;
  const AdamaxOptions& options() const { return o_; }
  /// From the config Keras writes (its get_config keys; absent keys take the defaults).
  static std::shared_ptr<Adamax> from_config(const ConfigMap& config);

 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const override;

 private:
  AdamaxOptions o_;
};

}  // namespace keras::optimizers
