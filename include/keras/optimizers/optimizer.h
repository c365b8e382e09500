// Optimizers (keras.optimizers). The base class does what every Keras optimizer does
// around the update (gradient clipping, decoupled weight decay, the iteration count)
// and keeps per-variable slots; subclasses write update_step with Keras's formulas.
//
//   model.compile(optimizers::Adam({.learning_rate = 1e-3}), "mse");
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "keras/optimizers/schedules.h"
#include "keras/tensor/tensor.h"
#include "keras/utils/config_map.h"
#include "keras/variables/variable.h"

namespace keras::optimizers {

/// Arguments every Keras optimizer takes (keras/src/optimizers/base_optimizer.py), in
/// its order.
struct OptimizerCommon {
  LearningRate learning_rate = 0.001;
  std::optional<double> weight_decay{};
  std::optional<double> clipnorm{};
  std::optional<double> clipvalue{};
  std::optional<double> global_clipnorm{};
  bool use_ema = false;
  double ema_momentum = 0.99;
  std::optional<int64_t> ema_overwrite_frequency{};
  std::optional<double> loss_scale_factor{};
  std::optional<int64_t> gradient_accumulation_steps{};
  std::string name{};
};

/// The common arguments of any options struct that has them (every XxxOptions below).
template <class O>
OptimizerCommon common_of(const O& o) {
  return {o.learning_rate,
          o.weight_decay,
          o.clipnorm,
          o.clipvalue,
          o.global_clipnorm,
          o.use_ema,
          o.ema_momentum,
          o.ema_overwrite_frequency,
          o.loss_scale_factor,
          o.gradient_accumulation_steps,
          o.name};
}

/// One optimizer state variable as Keras's build() creates it: by default a copy of the
/// model variable's shape and dtype filled with `initial_value`; `shape`/`dtype` set
/// otherwise (Adafactor's factored r and c, Nadam's scalar u_product).
struct SlotSpec {
  SlotSpec(const char* n) : name(n) {}             // NOLINT: a plain name is the common case
  SlotSpec(std::string n) : name(std::move(n)) {}  // NOLINT
  SlotSpec(std::string n, double init) : name(std::move(n)), initial_value(init) {}
  SlotSpec(std::string n, Shape s, DType d, double init = 0.0)
      : name(std::move(n)), shape(std::move(s)), dtype(d), initial_value(init) {}
  std::string name;
  std::optional<Shape> shape{};  ///< nullopt: the variable's shape
  std::optional<DType> dtype{};  ///< nullopt: the variable's dtype
  double initial_value = 0.0;
  bool copy_of_variable = false;  ///< starts as a copy of the variable (ScheduleFreeAdamW)
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  /// One update of `variables` with `grads` (undefined gradients are skipped), as Keras's
  /// BaseOptimizer.apply: unscale by loss_scale_factor, accumulate (with
  /// gradient_accumulation_steps: the update happens every N calls, with the mean
  /// gradient), clip, decay, update_step, then the EMA of the weights and the constraints.
  virtual void apply_gradients(const TensorList& grads, const std::vector<Variable>& variables);
  /// Creates the state for `trainable` in Keras's order (apply_gradients does it on its
  /// first call). Nothing happens when already built.
  virtual void build(const std::vector<Variable>& trainable);

  /// The rate the next update uses (a schedule's value at the current iteration).
  virtual double learning_rate() const { return common_.learning_rate.at(iterations_); }
  /// Sets a new rate or schedule. ValueError when the optimizer runs on a schedule and is
  /// given a number, as Keras refuses it.
  virtual void set_learning_rate(const LearningRate& lr);
  /// The number or schedule the optimizer was configured with.
  virtual const LearningRate& learning_rate_setting() const { return common_.learning_rate; }
  /// Keras's optimizer.iterations: the number of updates (calls to apply_gradients divided
  /// by gradient_accumulation_steps when accumulating).
  virtual int64_t iterations() const;
  /// The number of apply_gradients calls (Keras's `_iterations`, the "iteration" variable
  /// saved in files).
  int64_t raw_iterations() const { return iterations_; }
  const std::string& name() const { return common_.name; }
  /// The arguments every optimizer takes, as configured.
  const OptimizerCommon& common() const { return common_; }
  /// Number of optimizer state values (iterations, learning rate and every slot), as
  /// Keras's summary counts "Optimizer params".
  virtual int64_t count_params() const;
  bool built() const { return built_; }
  /// Moves the slot variables to `device` (Model::to calls it with the weights). The
  /// iteration count and learning rate are host numbers here, not tensors: they need no
  /// move, and state_values() hands them out as CPU scalars for saving.
  virtual void to(Device device);
  /// Keras's class name ("Adam") and get_config() (name, learning_rate, ... in Keras's order).
  virtual std::string class_name() const = 0;
  virtual ConfigMap get_config() const;
  /// Keras's optimizer.variables for a model's trainable weights, in Keras's order (what
  /// .keras files hold under optimizer/vars): iteration (int64), learning_rate, then what
  /// build() creates: the EMA averages (use_ema), the gradient accumulators, each
  /// optimizer's slots, and its optimizer-wide variables. Only the first two before the
  /// first update (an unbuilt Keras optimizer). The slot tensors are shared, not copied.
  virtual TensorList state_values(const std::vector<Variable>& trainable);
  /// Restores what state_values gave. Returns false (and changes nothing) when the count
  /// differs, as Keras skips a mismatched optimizer with a warning; ValueError on a shape
  /// mismatch.
  virtual bool load_state_values(const std::vector<Variable>& trainable, const TensorList& values);
  /// The shapes a built optimizer's state_values have (scalars first), without creating
  /// anything: what a file must hold before it is read.
  virtual std::vector<Shape> state_shapes(const std::vector<Variable>& trainable) const;
  /// The string it was made from ("adam"), if it was made from a string.
  const std::string& spec() const { return spec_; }
  void set_spec(std::string spec) { spec_ = std::move(spec); }

  /// Keras's exclude_from_weight_decay: the variables given, and those whose name contains
  /// a match of any of `var_names` (regular expressions, as Keras's re.search), get no
  /// weight decay. ValueError once built, as Keras.
  void exclude_from_weight_decay(const std::vector<Variable>& var_list, const std::vector<std::string>& var_names = {});
  void exclude_from_weight_decay(const std::vector<std::string>& var_names) {
    exclude_from_weight_decay({}, var_names);
  }
  /// Whether the decoupled weight decay applies to `variable`.
  bool use_weight_decay(const Variable& variable) const;
  /// Keras's finalize_variable_values (fit calls it at the end): with use_ema, copies the
  /// moving averages into the variables.
  virtual void finalize_variable_values(const std::vector<Variable>& variables);
  /// With use_ema, each trainable variable trades values with its moving average, in
  /// place (callbacks::SwapEMAWeights around evaluation); nothing happens before the first
  /// update, when there is no average yet. ValueError without use_ema.
  void swap_moving_averages(const std::vector<Variable>& variables);
  /// With use_ema, sets each trainable variable's moving average to the variable's value.
  void copy_variables_to_moving_averages(const std::vector<Variable>& variables);
  /// The loss times loss_scale_factor (the loss is returned as is without one).
  virtual Tensor scale_loss(const Tensor& loss) const;

 protected:
  Optimizer(OptimizerCommon common, std::string default_name);
  /// Updates one variable in place.
  virtual void update_step(const Tensor& grad, Variable& variable, float learning_rate) = 0;
  /// Keras's _backend_update_step around the per-variable updates: runs once per update
  /// before them (Nadam advances its u_product here).
  virtual void before_update_steps() {}
  /// The named slot of `variable` (created as slot_layout describes on first use).
  Tensor slot(const Variable& variable, const std::string& name);
  /// The named optimizer-wide state variable (global_slots()).
  Tensor global_slot(const std::string& name);
  /// The slots this optimizer's build() creates for `variable`, in Keras's order: each
  /// group is one pass over the variables, creating that group's slots for each (Adam:
  /// {{momentum, velocity}}, then {{velocity_hat}} with amsgrad). Every variable must give
  /// the same number of groups.
  virtual std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const = 0;
  /// State variables not tied to one model variable, tracked after the slots (Nadam's
  /// u_product).
  virtual std::vector<SlotSpec> global_slots() const { return {}; }
  /// The decoupled weight decay for `variable` (Keras's _apply_weight_decay; Muon decays
  /// the variables it hands to AdamW at another rate); exclude_from_weight_decay applies
  /// on top.
  virtual std::optional<double> weight_decay_for(const Variable& variable) const;
  /// Writes `value` into `target` in place (slots are shared with state_values()).
  static void assign(const Tensor& target, const Tensor& value);
  /// Writes `value` into `variable` in place (the variable keeps its storage).
  static void assign(Variable& variable, const Tensor& value);
  /// Turns off `other`'s own loss_scale_factor (LossScaleOptimizer scales for its inner
  /// optimizer, as Keras sets inner_optimizer.loss_scale_factor = None).
  static void clear_loss_scale_factor(Optimizer& other) { other.common_.loss_scale_factor.reset(); }

 private:
  /// The base's groups (EMA averages, gradient accumulators) followed by slot_layout's.
  std::vector<std::vector<SlotSpec>> full_layout(const Variable& variable) const;
  Tensor make_slot(const Variable& variable, const SlotSpec& spec) const;
  void update(const TensorList& grads, const std::vector<Variable>& variables);

  OptimizerCommon common_;
  std::string spec_;
  int64_t iterations_ = 0;
  bool built_ = false;
  std::unordered_map<const void*, std::vector<std::pair<std::string, Tensor>>> slots_;
  std::vector<std::pair<std::string, Tensor>> globals_;
  struct DecayExclusion;  // exclude_from_weight_decay's settings and its per-variable answers
  std::shared_ptr<DecayExclusion> exclusion_;
};

struct SGDOptions {
  LearningRate learning_rate = 0.01;
  double momentum = 0.0;
  bool nesterov = false;
  std::optional<double> weight_decay{};
  std::optional<double> clipnorm{};
  std::optional<double> clipvalue{};
  std::optional<double> global_clipnorm{};
  bool use_ema = false;
  double ema_momentum = 0.99;
  std::optional<int64_t> ema_overwrite_frequency{};
  std::optional<double> loss_scale_factor{};
  std::optional<int64_t> gradient_accumulation_steps{};
  std::string name = "SGD";
};
class SGD : public Optimizer {
 public:
  explicit SGD(SGDOptions o = {});
  std::string class_name() const override { return "SGD"; }
  ConfigMap get_config() const override;
  const SGDOptions& options() const { return o_; }
 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const override;

 private:
  SGDOptions o_;
};

struct AdamOptions {
  LearningRate learning_rate = 0.001;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  bool amsgrad = false;
  std::optional<double> weight_decay{};
  std::optional<double> clipnorm{};
  std::optional<double> clipvalue{};
  std::optional<double> global_clipnorm{};
  bool use_ema = false;
  double ema_momentum = 0.99;
  std::optional<int64_t> ema_overwrite_frequency{};
  std::optional<double> loss_scale_factor{};
  std::optional<int64_t> gradient_accumulation_steps{};
  std::string name = "adam";
};
class Adam : public Optimizer {
 public:
  explicit Adam(AdamOptions o = {});
  std::string class_name() const override { return "Adam"; }
  ConfigMap get_config() const override;
  const AdamOptions& options() const { return o_; }
 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const override;

 private:
  AdamOptions o_;
};

struct RMSpropOptions {
  LearningRate learning_rate = 0.001;
  double rho = 0.9;
  double momentum = 0.0;
  double epsilon = 1e-7;
  bool centered = false;
  std::optional<double> weight_decay{};
  std::optional<double> clipnorm{};
  std::optional<double> clipvalue{};
  std::optional<double> global_clipnorm{};
  bool use_ema = false;
  double ema_momentum = 0.99;
  std::optional<int64_t> ema_overwrite_frequency{};
  std::optional<double> loss_scale_factor{};
  std::optional<int64_t> gradient_accumulation_steps{};
  std::string name = "rmsprop";
};
class RMSprop : public Optimizer {
 public:
  explicit RMSprop(RMSpropOptions o = {});
  std::string class_name() const override { return "RMSprop"; }
  ConfigMap get_config() const override;
  const RMSpropOptions& options() const { return o_; }
 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
  std::vector<std::vector<SlotSpec>> slot_layout(const Variable& variable) const override;

 private:
  RMSpropOptions o_;
};

/// An optimizer by Keras's string name (its class name in any case: "adam", "sgd",
/// "rmsprop", "adamw", "adamax", "nadam", "adagrad", "adadelta", "ftrl", "lion", "lamb",
/// "adafactor", "muon", "schedulefreeadamw") with Keras's defaults. (LossScaleOptimizer
/// wraps another optimizer: build it with its constructor.)
std::shared_ptr<Optimizer> get(const std::string& name);
/// An optimizer from Keras's class name and flat config (ValueError if unknown). A
/// LossScaleOptimizer's config nests its inner optimizer's; the saving module reads
/// those from compile configs.
std::shared_ptr<Optimizer> from_config(const std::string& class_name, const ConfigMap& config);

/// An optimizer by name or object, as compile() takes them.
class OptimizerRef {
 public:
  OptimizerRef(const char* name) : ptr_(get(name)) {}          // NOLINT: implicit like Keras
  OptimizerRef(const std::string& name) : ptr_(get(name)) {}   // NOLINT
  template <class O>
    requires std::derived_from<std::decay_t<O>, Optimizer>
  OptimizerRef(O&& opt) : ptr_(std::make_shared<std::decay_t<O>>(std::forward<O>(opt))) {}  // NOLINT
  OptimizerRef(std::shared_ptr<Optimizer> opt) : ptr_(std::move(opt)) {}  // NOLINT
  const std::shared_ptr<Optimizer>& ptr() const { return ptr_; }

 private:
  std::shared_ptr<Optimizer> ptr_;
};

}  // namespace keras::optimizers
