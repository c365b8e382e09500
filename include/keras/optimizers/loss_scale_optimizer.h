// LossScaleOptimizer (keras.optimizers.LossScaleOptimizer,
// keras/src/optimizers/loss_scale_optimizer.py): dynamic loss scaling around another
// optimizer, so that small float16 gradients do not flush to zero. The loss is multiplied
// by the dynamic scale before the gradients are taken; apply_gradients divides them by it
// again and hands them to the inner optimizer. A step whose gradients hold an inf or NaN
// is skipped and halves the scale; `dynamic_growth_steps` finite steps in a row double it.
//
//   model.compile(optimizers::LossScaleOptimizer(optimizers::Adam()), "mse");
#pragma once

#include <memory>

#include "keras/optimizers/optimizer.h"

namespace keras::optimizers {

/// keras.optimizers.LossScaleOptimizer's arguments after inner_optimizer, with its defaults.
struct LossScaleOptimizerOptions {
  double initial_scale = 32768.0;  // 2**15
  int64_t dynamic_growth_steps = 2000;
  std::string name = "loss_scale_optimizer";
};

class LossScaleOptimizer : public Optimizer {
 public:
  /// Wraps `inner` (an object, or a name such as "adam"). As in Keras, the inner
  /// optimizer's own loss_scale_factor is turned off. ValueError for a missing inner
  /// optimizer, another LossScaleOptimizer, a scale that is not a positive finite number
  /// or dynamic_growth_steps < 1.
  explicit LossScaleOptimizer(const OptimizerRef& inner, LossScaleOptimizerOptions o = {});
  std::string class_name() const override { return "LossScaleOptimizer"; }
  /// Keras's config without its nested "inner_optimizer" (a ConfigMap is flat): name,
  /// initial_scale, dynamic_growth_steps. The saving module writes and reads the inner
  /// optimizer's serialized object between name and initial_scale, as Keras does.
  ConfigMap get_config() const override;
  const LossScaleOptimizerOptions& options() const { return o_; }
  const std::shared_ptr<Optimizer>& inner_optimizer() const { return inner_; }
  /// The current loss scale (Keras's dynamic_scale variable, float32); initial_scale
  /// until the first update.
  double dynamic_scale() const { return scale_; }
  /// Finite steps since the scale last changed (Keras's step_counter variable).
  int64_t step_counter() const { return step_counter_; }

  /// Checks the gradients: all finite -> unscale, update through the inner optimizer and
  /// count the step (doubling the scale every dynamic_growth_steps); otherwise skip the
  /// update, halve the scale and restart the count.
  void apply_gradients(const TensorList& grads, const std::vector<Variable>& variables) override;
  void build(const std::vector<Variable>& trainable) override;
  /// The loss times the dynamic scale (initial_scale before the first update).
  Tensor scale_loss(const Tensor& loss) const override;
  /// The learning rate, its setting and the iterations are the inner optimizer's.
  double learning_rate() const override { return inner_->learning_rate(); }
  void set_learning_rate(const LearningRate& lr) override { inner_->set_learning_rate(lr); }
  const LearningRate& learning_rate_setting() const override { return inner_->learning_rate_setting(); }
  int64_t iterations() const override { return inner_->iterations(); }
  /// Keras's LossScaleOptimizer.variables: its own iteration and learning_rate (both
  /// unused: 0), then, once built, step_counter (int64) and dynamic_scale (float32); then
  /// the inner optimizer's variables.
  TensorList state_values(const std::vector<Variable>& trainable) override;
  std::vector<Shape> state_shapes(const std::vector<Variable>& trainable) const override;
  bool load_state_values(const std::vector<Variable>& trainable, const TensorList& values) override;
  int64_t count_params() const override;
  void to(Device device) override { inner_->to(device); }
  void finalize_variable_values(const std::vector<Variable>& variables) override {
    inner_->finalize_variable_values(variables);
  }

 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable&) const override { return {}; }

 private:
  /// Own variables Keras tracks before build (iteration, learning_rate) and after.
  static constexpr size_t kOwnUnbuilt = 2, kOwnBuilt = 4;
  LossScaleOptimizerOptions o_;
  std::shared_ptr<Optimizer> inner_;
  float scale_;  // float32, as Keras's variable: doubling and halving stay exact
  int64_t step_counter_ = 0;
};

}  // namespace keras::optimizers
