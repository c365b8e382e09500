// Adafactor (keras.optimizers.Adafactor, keras/src/optimizers/adafactor.py): the second
// moment of a matrix kept as factored row (r) and column (c) statistics. For each
// variable Keras creates r, c and velocity in turn; for a variable of rank < 2, r and c
// are unused int32 scalars.
#pragma once

#include <memory>

#include "keras/optimizers/optimizer.h"

namespace keras::optimizers {

/// keras.optimizers.Adafactor's arguments, in its order, with its defaults.
struct AdafactorOptions {
  LearningRate learning_rate = 0.001;
  double beta_2_decay = -0.8;
  double epsilon_1 = 1e-30;
  double epsilon_2 = 1e-3;
  double clip_threshold = 1.0;
  bool relative_step = true;
  std::optional<double> weight_decay{};
  std::optional<double> clipnorm{};
  std::optional<double> clipvalue{};
  std::optional<double> global_clipnorm{};
  bool use_ema = false;
  double ema_momentum = 0.99;
  std::optional<int64_t> ema_overwrite_frequency{};
  std::optional<double> loss_scale_factor{};
  std::optional<int64_t> gradient_accumulation_steps{};
  std::string name = "adafactor";
};

class Adafactor : public Optimizer {
 public:
  explicit Adafactor(AdafactorOptions o = {});
  std::string class_name() const override { return "Adafactor"; }
  ConfigMap get_config() const override;
  const AdafactorOptions& options() const { return o_; }
  /// From the config Keras writes (its get_config keys; absent keys take the defaults).
  static std::shared_ptr<Adafactor> from_config(const ConfigMap& config);

 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const override;

 private:
  AdafactorOptions o_;
};

}  // namespace keras::optimizers
