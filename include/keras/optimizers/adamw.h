// AdamW (keras.optimizers.AdamW, keras/src/optimizers/adamw.py): Adam with decoupled
// weight decay, on by default (0.004). Its update, slots and config keys are Adam's.
#pragma once

#include <memory>

#include "keras/optimizers/optimizer.h"

namespace keras::optimizers {

/// keras.optimizers.AdamW's arguments, in its order (weight_decay second), with its defaults.
struct AdamWOptions {
  LearningRate learning_rate = 0.001;
  std::optional<double> weight_decay = 0.004;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  bool amsgrad = false;
  std::optional<double> clipnorm{};
  std::optional<double> clipvalue{};
  std::optional<double> global_clipnorm{};
  bool use_ema = false;
  double ema_momentum = 0.99;
  std::optional<int64_t> ema_overwrite_frequency{};
  std::optional<double> loss_scale_factor{};
  std::optional<int64_t> gradient_accumulation_steps{};
  std::string name = "adam_w";
};

class AdamW : public Adam {
 public:
  /// ValueError without a weight_decay, as Keras.
  explicit AdamW(AdamWOptions o = {});
  std::string class_name() const override { return "AdamW"; }
  /// From the config Keras writes (Adam's keys; absent keys take the defaults).
  static std::shared_ptr<AdamW> from_config(const ConfigMap& config);
};

}  // namespace keras::optimizers
