// Adagrad (keras.optimizers.Adagrad, keras/src/optimizers/adagrad.py): per-parameter
// rates scaled by the running sum of squared gradients.
#pragma once

#include <memory>

#include "keras/optimizers/optimizer.h"

namespace keras::optimizers {

/// keras.optimizers.Adagrad's arguments, in its order, with its defaults.
struct AdagradOptions {
  LearningRate learning_rate = 0.001;
  double initial_accumulator_value = 0.1;
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
  std::string name = "adagrad";
};

class Adagrad : public Optimizer {
 public:
  explicit Adagrad(AdagradOptions o = {});
  std::string class_name() const override { return "Adagrad"; }
  ConfigMap get_config() const override;
  const AdagradOptions& options() const { return o_; }
  /// From the config Keras writes (its get_config keys; absent keys take the defaults).
  static std::shared_ptr<Adagrad> from_config(const ConfigMap& config);

 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const override;

 private:
  AdagradOptions o_;
};

}  // namespace keras::optimizers
