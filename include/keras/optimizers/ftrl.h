// FTRL-Proximal (keras.optimizers.Ftrl, keras/src/optimizers/ftrl.py), with L1, L2 and
// L2-shrinkage regularization.
#pragma once

#include <memory>

#include "keras/optimizers/optimizer.h"

namespace keras::optimizers {

/// keras.optimizers.Ftrl's arguments, in its order, with its defaults.
struct FtrlOptions {
  LearningRate learning_rate = 0.001;
  double learning_rate_power = -0.5;
  double initial_accumulator_value = 0.1;
  double l1_regularization_strength = 0.0;
  double l2_regularization_strength = 0.0;
  double l2_shrinkage_regularization_strength = 0.0;
  double beta = 0.0;
  std::optional<double> weight_decay{};
  std::optional<double> clipnorm{};
  std::optional<double> clipvalue{};
  std::optional<double> global_clipnorm{};
  bool use_ema = false;
  double ema_momentum = 0.99;
  std::optional<int64_t> ema_overwrite_frequency{};
  std::optional<double> loss_scale_factor{};
  std::optional<int64_t> gradient_accumulation_steps{};
  std::string name = "ftrl";
};

class Ftrl : public Optimizer {
 public:
  explicit Ftrl(FtrlOptions o = {});
  std::string class_name() const override { return "Ftrl"; }
  ConfigMap get_config() const override;
  const FtrlOptions& options() const { return o_; }
  /// From the config Keras writes (its get_config keys; absent keys take the defaults).
  static std::shared_ptr<Ftrl> from_config(const ConfigMap& config);

 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const override;

 private:
  FtrlOptions o_;
};

}  // namespace keras::optimizers
