// ScheduleFreeAdamW (keras.optimizers.ScheduleFreeAdamW,
// keras/src/optimizers/schedule_free_adamw.py): AdamW without a learning-rate schedule,
// interpolating between an averaged iterate and the fast one. Its momentum slot starts
// as a copy of the variable.
#pragma once

#include <memory>

#include "keras/optimizers/optimizer.h"

namespace keras::optimizers {

/// keras.optimizers.ScheduleFreeAdamW's arguments, in its order, with its defaults.
struct ScheduleFreeAdamWOptions {
  LearningRate learning_rate = 0.0025;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-8;
  int64_t warmup_steps = 0;
  std::optional<double> weight_decay{};
  std::optional<double> clipnorm{};
  std::optional<double> clipvalue{};
  std::optional<double> global_clipnorm{};
  bool use_ema = false;
  double ema_momentum = 0.99;
  std::optional<int64_t> ema_overwrite_frequency{};
  std::optional<double> loss_scale_factor{};
  std::optional<int64_t> gradient_accumulation_steps{};
  std::string name = "schedule_free_adam_w";
};

class ScheduleFreeAdamW : public Optimizer {
 public:
  explicit ScheduleFreeAdamW(ScheduleFreeAdamWOptions o = {});
  std::string class_name() const override { return "ScheduleFreeAdamW"; }
  ConfigMap get_config() const override;
  const ScheduleFreeAdamWOptions& options() const { return o_; }
  /// From the config Keras writes (its get_config keys; absent keys take the defaults).
  static std::shared_ptr<ScheduleFreeAdamW> from_config(const ConfigMap& config);

 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const override;

 private:
  ScheduleFreeAdamWOptions o_;
};

}  // namespace keras::optimizers
