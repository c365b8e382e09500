#include "keras/constraints/constraints.h"

#include <cmath>

#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "utils/config_values.h"
#include "utils/excerpt.h"

namespace keras::constraints {

using keras::detail::cat;

namespace {

constexpr double kEpsilon = 1e-7;  // keras.config.epsilon()


std::vector<int64_t> axes(const ConfigMap& c) {
  const ConfigValue* v = config_find(c, "axis");
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return {0};
  if (const auto* i = std::get_if<int64_t>(v)) return {*i};
  if (const auto* l = std::get_if<std::vector<int64_t>>(v)) return *l;
  throw ValueError("Constraint argument \"axis\" must be an integer or a list of integers");
}

/// Keras writes the axis as given: an int for one axis, a list otherwise.
ConfigValue axis_value(const std::vector<int64_t>& axis) {
  if (axis.size() == 1) return axis[0];
  return axis;
}

std::vector<int64_t> checked_axes(std::vector<int64_t> axis, const char* who) {
  if (axis.empty()) throw ValueError(cat(who, ": axis must name at least one axis"));
  return axis;
}

/// The L2 norm of each slice over `axis`, kept broadcastable against w.
Tensor norms_over(const Tensor& w, const std::vector<int64_t>& axis, const char* who) {
  for (int64_t a : axis)
    if (a < -w.rank() || a >= w.rank())
      throw ValueError(cat(who, ": axis ", a, " is out of range for a weight of shape ", w.shape().to_string()));
  return ops::sqrt(ops::sum(ops::square(w), axis, /*keepdims=*/true));
}

Constraint by_name(const std::string& name, const ConfigMap& c) {
  auto num = [&](const char* key, double fallback) { return utils::config_number(c, key, fallback, "Constraint"); };
  if (name == "MaxNorm" || name == "max_norm") return MaxNorm(num("max_value", 2.0), axes(c));
  if (name == "MinMaxNorm" || name == "min_max_norm")
    return MinMaxNorm(num("min_value", 0.0), num("max_value", 1.0), num("rate", 1.0), axes(c));
  if (name == "NonNeg" || name == "non_neg") return NonNeg();
  if (name == "UnitNorm" || name == "unit_norm") return UnitNorm(axes(c));
  throw ValueError(cat("Unknown constraint: \"", utils::excerpt(name),
                       "\". Known: MaxNorm (\"max_norm\"), MinMaxNorm (\"min_max_norm\"), NonNeg (\"non_neg\"), "
                       "UnitNorm (\"unit_norm\")"));
}

}  // namespace

Constraint::Constraint(const char* name) : Constraint(std::string(name)) {}
Constraint::Constraint(const std::string& name) : Constraint(by_name(name, {})) {}
Constraint::Constraint(std::string class_name, Fn fn, ConfigMap config)
    : KerasObject(std::move(class_name), std::move(fn), std::move(config)) {}

Constraint Constraint::from_config(const std::string& class_name, const ConfigMap& config) {
  return by_name(class_name, config);
}

Tensor Constraint::operator()(const Tensor& w) const {
  if (!fn()) throw ValueError("A constraint that is None was called");
  Tensor out = fn()(w);
  if (out.shape() != w.shape())
    throw ValueError(cat("Constraint ", class_name(), " returned shape ", out.shape().to_string(),
                         " for a weight of shape ", w.shape().to_string()));
  return out;
}

MaxNorm::MaxNorm(double max_value, std::vector<int64_t> axis)
    : Constraint(
          "MaxNorm",
          [max_value, axis = checked_axes(axis, "MaxNorm")](const Tensor& w) {
            const Tensor norms = norms_over(w, axis, "MaxNorm");
            return w * (ops::clip(norms, 0.0, max_value) / (norms + kEpsilon));
          },
          {{"max_value", max_value}, {"axis", axis_value(axis)}}) {
  if (!(max_value >= 0)) throw ValueError(cat("MaxNorm: max_value must be >= 0, got ", max_value));
}

MinMaxNorm::MinMaxNorm(double min_value, double max_value, double rate, std::vector<int64_t> axis)
    : Constraint(
          "MinMaxNorm",
          [min_value, max_value, rate, axis = checked_axes(axis, "MinMaxNorm")](const Tensor& w) {
            const Tensor norms = norms_over(w, axis, "MinMaxNorm");
            const Tensor desired = ops::clip(norms, min_value, max_value) * rate + norms * (1.0 - rate);
            return w * (desired / (norms + kEpsilon));
          },
          {{"min_value", min_value}, {"max_value", max_value}, {"rate", rate}, {"axis", axis_value(axis)}}) {
  if (!(min_value <= max_value))
    throw ValueError(cat("MinMaxNorm: min_value (", min_value, ") must not exceed max_value (", max_value, ")"));
}

NonNeg::NonNeg()
    : Constraint("NonNeg", [](const Tensor& w) { return w * ops::cast(ops::greater_equal(w, ops::zeros_like(w)), w.dtype()); }) {}

UnitNorm::UnitNorm(std::vector<int64_t> axis)
    : Constraint(
          "UnitNorm",
          [axis = checked_axes(axis, "UnitNorm")](const Tensor& w) { return w / (norms_over(w, axis, "UnitNorm") + kEpsilon); },
          {{"axis", axis_value(axis)}}) {}

}  // namespace keras::constraints
