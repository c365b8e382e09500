// Lion (keras.optimizers.Lion, keras/src/optimizers/lion.py): sign of an interpolated
// momentum.
#pragma once

#include <memory>

#include "keras/optimizers/optimizer.h"

namespace keras::optimizers {

/// keras.optimizers.Lion's arguments, in its order, with its defaults.
struct LionOptions {
  LearningRate learning_rate = 0.001;
  double beta_1 = 0.9;
  double beta_2 = 0.99;
  std::optional<double> weight_decay{};
  std::optional<double> clipnorm{};
  std::optional<double> clipvalue{};
  std::optional<double> global_clipnorm{};
  bool use_ema = false;
  double ema_momentum = 0.99;
  std::optional<int64_t> ema_overwrite_frequency{};
  std::optional<double> loss_scale_factor{};
  std::optional<int64_t> gradient_accumulation_steps{};
  std::string name = "lion";
};

class Lion : public Optimizer {
 public:
  explicit Lion(LionOptions o = {});
  std::string class_name() const override { return "Lion"; }
  ConfigMap get_config() const override;
  const LionOptions& options() const { return o_; }
  /// From the config Keras writes (its get_config keys; absent keys take the defaults).
  static std::shared_ptr<Lion> from_config(const ConfigMap& config);

 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const override;

 private:
  LionOptions o_;
};

}  // namespace keras::optimizers
