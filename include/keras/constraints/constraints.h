// Weight constraints (keras.constraints): projections applied to a weight after every
// optimizer update. A Constraint is a small value like an Initializer; default-constructed
// it is "none". Strings resolve like Keras's constraints.get: "max_norm", "min_max_norm",
// "non_neg", "unit_norm" (and the class names).
//
//   Dense(64, {.kernel_constraint = constraints::MaxNorm(3.0)});
//   Conv2D(32, 3, {.kernel_constraint = constraints::MaxNorm(2.0, {0, 1, 2})});
//
// `axis` names the axes the norm runs over (Keras's default 0: the input axis of a Dense
// kernel, so each output unit's incoming weight vector is constrained).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "keras/tensor/tensor.h"
#include "keras/utils/config_map.h"
#include "keras/utils/keras_object.h"

namespace keras::constraints {

class Constraint : public utils::KerasObject<std::function<Tensor(const Tensor& w)>> {
 public:
  using Fn = FnType;

  Constraint() = default;                 // none
  Constraint(std::nullptr_t) {}           // NOLINT: none, as Keras's None
  Constraint(const char* name);           // NOLINT: implicit, as Keras accepts strings
  Constraint(const std::string& name);    // NOLINT
  /// A custom constraint: `fn` returns the projected weight (same shape).
  Constraint(std::string class_name, Fn fn, ConfigMap config = {});
  static Constraint from_config(const std::string& class_name, const ConfigMap& config);

  /// The projected weight.
  Tensor operator()(const Tensor& w) const;
  // explicit operator bool, class_name() and config() come from KerasObject.
};

/// Rescales each slice whose L2 norm over `axis` exceeds max_value down to max_value.
class MaxNorm : public Constraint {
 public: explicit MaxNorm(double max_value = 2.0, std::vector<int64_t> axis = {0});
};
/// Moves each norm towards [min_value, max_value] by `rate` (1: clip exactly).
class MinMaxNorm : public Constraint {
 public:
  explicit MinMaxNorm(double min_value = 0.0, double max_value = 1.0, double rate = 1.0, std::vector<int64_t> axis = {0});
};
/// Zeroes negative weights.
class NonNeg : public Constraint { public: NonNeg(); };
/// Scales each slice to unit L2 norm over `axis`.
class UnitNorm : public Constraint { public: explicit UnitNorm(std::vector<int64_t> axis = {0}); };

}  // namespace keras::constraints
