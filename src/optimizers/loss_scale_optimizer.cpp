#include "keras/optimizers/loss_scale_optimizer.h"

#include <cmath>

#include "keras/autograd/gradient_tape.h"
#include "keras/errors.h"
#include "keras/ops/math.h"

namespace keras::optimizers {

using keras::detail::cat;

LossScaleOptimizer::LossScaleOptimizer(const OptimizerRef& inner, LossScaleOptimizerOptions o)
    : Optimizer(OptimizerCommon{.learning_rate = 0.0, .name = o.name}, "loss_scale_optimizer"),
      o_(std::move(o)),
      inner_(inner.ptr()),
      scale_(static_cast<float>(o_.initial_scale)) {
  if (!inner_) throw ValueError(cat("LossScaleOptimizer ", name(), ": inner_optimizer is null"));
  if (dynamic_cast<const LossScaleOptimizer*>(inner_.get()))
    throw ValueError(cat("LossScaleOptimizer ", name(),
                         ": inner_optimizer is already a LossScaleOptimizer (the loss would be scaled twice)"));
  if (!(o_.initial_scale > 0) || !std::isfinite(scale_))
    throw ValueError(cat("LossScaleOptimizer ", name(), ": initial_scale must be a positive finite float32, got ",
                         o_.initial_scale));
  if (o_.dynamic_growth_steps < 1)
    throw ValueError(
        cat("LossScaleOptimizer ", name(), ": dynamic_growth_steps must be >= 1, got ", o_.dynamic_growth_steps));
  clear_loss_scale_factor(*inner_);
}

ConfigMap LossScaleOptimizer::get_config() const {
  return {{"name", name()}, {"initial_scale", o_.initial_scale}, {"dynamic_growth_steps", o_.dynamic_growth_steps}};
}

void LossScaleOptimizer::update_step(const Tensor&, Variable&, float) {
  throw RuntimeError(
      "LossScaleOptimizer: update_step is never called (apply_gradients hands the update to the inner "
      "optimizer)");
}

void LossScaleOptimizer::build(const std::vector<Variable>& trainable) {
  if (built()) return;
  Optimizer::build(trainable);  // no slots of its own: marks it built
  inner_->build(trainable);
}

// scale_ holds initial_scale (as float32) until the first update changes it.
Tensor LossScaleOptimizer::scale_loss(const Tensor& loss) const { return loss * static_cast<double>(scale_); }

void LossScaleOptimizer::apply_gradients(const TensorList& grads, const std::vector<Variable>& variables) {
  if (grads.size() != variables.size())
    throw ValueError(
        cat("Optimizer ", name(), ": got ", grads.size(), " gradients for ", variables.size(), " variables"));
  std::vector<Variable> trainable;
  for (const Variable& v : variables)
    if (v.trainable()) trainable.push_back(v);
  build(trainable);

  // Keras's check_finite: every defined gradient holds only finite numbers. x * 0 is 0 for
  // a finite x and NaN for inf or NaN, so the sum of those sums tells, read once.
  Tensor probe;
  {
    autograd::NoGradGuard no_grad;
    for (const Tensor& g : grads)
      if (g.defined()) probe = probe.defined() ? probe + ops::sum(g * 0.0) : ops::sum(g * 0.0);
  }
  const bool finite = !probe.defined() || std::isfinite(probe.to(Device::cpu()).astype(DType::float64).item<double>());
  if (!finite) {  // skip the step, lower the scale
    step_counter_ = 0;
    scale_ *= 0.5f;
    return;
  }
  TensorList unscaled;
  unscaled.reserve(grads.size());
  {
    autograd::NoGradGuard no_grad;
    for (const Tensor& g : grads) unscaled.push_back(g.defined() ? g / static_cast<double>(scale_) : g);
  }
  inner_->apply_gradients(unscaled, variables);
  if (step_counter_ == o_.dynamic_growth_steps - 1) {
    step_counter_ = 0;
    scale_ *= 2.0f;
  } else {
    ++step_counter_;
  }
}

TensorList LossScaleOptimizer::state_values(const std::vector<Variable>& trainable) {
  // Keras tracks the wrapper's own iteration and learning_rate (never used: 0) first.
  TensorList out{Tensor::scalar(0.0, DType::int64, Device::cpu()), Tensor::scalar(0.0, DType::float32, Device::cpu())};
  if (built()) {
    out.push_back(Tensor::scalar(static_cast<double>(step_counter_), DType::int64, Device::cpu()));
    out.push_back(Tensor::scalar(static_cast<double>(scale_), DType::float32, Device::cpu()));
  }
  for (Tensor& t : inner_->state_values(trainable)) out.push_back(std::move(t));
  return out;
}

std::vector<Shape> LossScaleOptimizer::state_shapes(const std::vector<Variable>& trainable) const {
  std::vector<Shape> out(kOwnBuilt, Shape{});
  for (Shape& s : inner_->state_shapes(trainable)) out.push_back(std::move(s));
  return out;
}

bool LossScaleOptimizer::load_state_values(const std::vector<Variable>& trainable, const TensorList& values) {
  if (values.size() < kOwnBuilt) return false;
  for (size_t k = 0; k < kOwnBuilt; ++k)
    if (!values[k].defined() || values[k].size() != 1)
      throw ValueError(cat("Optimizer ", name(), ": state ", k, " must be a scalar"));
  const double counter = values[2].astype(DType::float64).item<double>();
  const double scale = values[3].astype(DType::float64).item<double>();
  if (!(counter >= 0 && counter < 9e18) || !(scale > 0) || !std::isfinite(static_cast<float>(scale)))
    throw ValueError(cat("Optimizer ", name(), ": invalid step_counter (", counter, ") or dynamic_scale (", scale,
                         ") in the saved state"));
  const TensorList inner_values(values.begin() + kOwnBuilt, values.end());
  if (!inner_->load_state_values(trainable, inner_values)) return false;
  Optimizer::build({});  // marks the wrapper built (it has no slots)
  step_counter_ = static_cast<int64_t>(counter);
  scale_ = static_cast<float>(scale);
  return true;
}

int64_t LossScaleOptimizer::count_params() const {
  return static_cast<int64_t>(built() ? kOwnBuilt : kOwnUnbuilt) + inner_->count_params();
}

}  // namespace keras::optimizers
