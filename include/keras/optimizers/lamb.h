// LAMB (keras.optimizers.Lamb, keras/src/optimizers/lamb.py): Adam steps scaled per
// variable by the trust ratio ||w|| / ||update||.
#pragma once

#include <memory>

#include "keras/optimizers/optimizer.h"

namespace keras::optimizers {

/// keras.optimizers.Lamb's arguments, in its order, with its defaults.
struct LambOptions {
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
  std::string name = "lamb";
};

class Lamb : public Optimizer {
 public:
  explicit Lamb(LambOptions o = {});
  std::string class_name() const override { return "Lamb"; }
  ConfigMap get_config() const override;
  const LambOptions& options() const { return o_; }
  /// From the config Keras writes (its get_config keys; absent keys take the defaults).
  static std::shared_ptr<Lamb> from_config(const ConfigMap& config);

 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const override;

 private:
  LambOptions o_;
};

}  // namespace keras::optimizers
