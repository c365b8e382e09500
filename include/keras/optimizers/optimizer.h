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

/// Arguments every Keras optimizer takes.
struct OptimizerCommon {
  LearningRate learning_rate = 0.001;
  std::optional<double> weight_decay{};
  std::optional<double> clipnorm{};
  std::optional<double> clipvalue{};
  std::optional<double> global_clipnorm{};
  std::string name{};
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  /// One update of `variables` with `grads` (undefined gradients are skipped).
  void apply_gradients(const TensorList& grads, const std::vector<Variable>& variables);

  /// The rate the next update uses (a schedule's value at the current iteration).
  double learning_rate() const { return common_.learning_rate.at(iterations_); }
  /// Sets a new rate or schedule. ValueError when the optimizer runs on a schedule and is
  /// given a number, as Keras refuses it.
  void set_learning_rate(const LearningRate& lr);
  /// The number or schedule the optimizer was configured with.
  const LearningRate& learning_rate_setting() const { return common_.learning_rate; }
  int64_t iterations() const { return iterations_; }
  const std::string& name() const { return common_.name; }
  /// Number of optimizer state values (iterations, learning rate and every slot), as
  /// Keras's summary counts "Optimizer params".
  int64_t count_params() const;
  bool built() const { return !slots_.empty(); }
  /// Moves the slot variables to `device` (Model::to calls it with the weights). The
  /// iteration count and learning rate are host numbers here, not tensors: they need no
  /// move, and state_values() hands them out as CPU scalars for saving.
  void to(Device device);
  /// Keras's class name ("Adam") and get_config() (name, learning_rate, ... in Keras's order).
  virtual std::string class_name() const = 0;
  virtual ConfigMap get_config() const;
  /// Keras's optimizer.variables for a model's trainable weights, in Keras's order (what
  /// .keras files hold under optimizer/vars): iteration (int64), learning_rate, then the
  /// slots as each optimizer's build() creates them. Only the first two before the first
  /// update (an unbuilt Keras optimizer). The slot tensors are shared, not copied.
  TensorList state_values(const std::vector<Variable>& trainable);
  /// Restores what state_values gave. Returns false (and changes nothing) when the count
  /// differs, as Keras skips a mismatched optimizer with a warning; ValueError on a shape
  /// mismatch.
  bool load_state_values(const std::vector<Variable>& trainable, const TensorList& values);
  /// The shapes a built optimizer's state_values have (scalars first), without creating
  /// anything: what a file must hold before it is read.
  std::vector<Shape> state_shapes(const std::vector<Variable>& trainable) const;
  /// The string it was made from ("adam"), if it was made from a string.
  const std::string& spec() const { return spec_; }
  void set_spec(std::string spec) { spec_ = std::move(spec); }

 protected:
  Optimizer(OptimizerCommon common, std::string default_name);
  /// Updates one variable in place.
  virtual void update_step(const Tensor& grad, Variable& variable, float learning_rate) = 0;
  /// The named slot of `variable` (zeros of its shape on first use).
  Tensor slot(const Variable& variable, const std::string& name);
  /// The slot names in the order Keras's build() creates them: each group is one pass
  /// over the variables, creating that group's names for each (Adam: {{momentum,
  /// velocity}}, then {{velocity_hat}} with amsgrad).
  virtual std::vector<std::vector<std::string>> slot_layout() const = 0;

  const OptimizerCommon& common() const { return common_; }

 private:
  OptimizerCommon common_;
  std::string spec_;
  int64_t iterations_ = 0;
  std::unordered_map<const void*, std::vector<std::pair<std::string, Tensor>>> slots_;
};

struct SGDOptions {
  LearningRate learning_rate = 0.01;
  double momentum = 0.0;
  bool nesterov = false;
  std::optional<double> weight_decay{};
  std::optional<double> clipnorm{};
  std::optional<double> clipvalue{};
  std::optional<double> global_clipnorm{};
  std::string name = "SGD";
};
class SGD : public Optimizer {
 public:
  explicit SGD(SGDOptions o = {});
  std::string class_name() const override { return "SGD"; }
  std::vector<std::vector<std::string>> slot_layout() const override;
  ConfigMap get_config() const override;
  const SGDOptions& options() const { return o_; }
 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
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
  std::string name = "adam";
};
class Adam : public Optimizer {
 public:
  explicit Adam(AdamOptions o = {});
  std::string class_name() const override { return "Adam"; }
  std::vector<std::vector<std::string>> slot_layout() const override;
  ConfigMap get_config() const override;
  const AdamOptions& options() const { return o_; }
 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
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
  std::string name = "rmsprop";
};
class RMSprop : public Optimizer {
 public:
  explicit RMSprop(RMSpropOptions o = {});
  std::string class_name() const override { return "RMSprop"; }
  std::vector<std::vector<std::string>> slot_layout() const override;
  ConfigMap get_config() const override;
  const RMSpropOptions& options() const { return o_; }
 protected:
  void update_step(const Tensor& grad, Variable& variable, float lr) override;
 private:
  RMSpropOptions o_;
};

/// An optimizer by name ("adam", "sgd", "rmsprop", any case) with Keras's defaults.
std::shared_ptr<Optimizer> get(const std::string& name);
/// An optimizer from Keras's class name and config (ValueError if unknown).
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
