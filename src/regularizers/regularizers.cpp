#include "keras/regularizers/regularizers.h"

#include <cmath>
#include <map>

#include "keras/ops/math.h"
#include "utils/config_values.h"
#include "utils/excerpt.h"

namespace keras::regularizers {

using keras::detail::cat;

namespace {

// Keras's validate_float_arg: a finite, non-negative factor.
double factor(double v, const char* name) {
  if (!std::isfinite(v) || v < 0)
    throw ValueError(cat("Invalid value for argument ", name, ": expected a non-negative float, got ", v));
  return v;
}

Regularizer by_name(const std::string& name, const ConfigMap& c) {
  auto num = [&](const char* key, double fallback) { return utils::config_number(c, key, fallback, "Regularizer"); };
  if (name == "L1" || name == "l1") return L1(num("l1", 0.01));
  if (name == "L2" || name == "l2") return L2(num("l2", 0.01));
  // Keras 3 resolves "l1l2" (its snake case of L1L2) to L1L2's defaults (0, 0); "l1_l2"
  // is tf.keras's l1_l2() function, whose factors default to 0.01.
  if (name == "L1L2" || name == "l1l2") return L1L2(num("l1", 0.0), num("l2", 0.0));
  if (name == "l1_l2") return L1L2(num("l1", 0.01), num("l2", 0.01));
  throw ValueError(cat("Unknown regularizer: \"", utils::excerpt(name),
                       "\". Known: L1 (\"l1\"), L2 (\"l2\"), L1L2 (\"l1l2\", \"l1_l2\")"));
}

}  // namespace

Regularizer::Regularizer(const char* name) : Regularizer(std::string(name)) {}
Regularizer::Regularizer(const std::string& name) : Regularizer(by_name(name, {})) {}
Regularizer::Regularizer(std::string class_name, Fn fn, ConfigMap config)
    : KerasObject(std::move(class_name), std::move(fn), std::move(config)) {}

Regularizer Regularizer::from_config(const std::string& class_name, const ConfigMap& config) {
  return by_name(class_name, config);
}

Tensor Regularizer::operator()(const Tensor& x) const {
  if (!fn()) throw ValueError("A regularizer that is None was called");
  return fn()(x);
}

L1::L1(double l1)
    : Regularizer("L1", [l1 = factor(l1, "l1")](const Tensor& x) { return ops::sum(ops::abs(x)) * l1; }, {{"l1", l1}}) {}

L2::L2(double l2)
    : Regularizer("L2", [l2 = factor(l2, "l2")](const Tensor& x) { return ops::sum(ops::square(x)) * l2; }, {{"l2", l2}}) {}

L1L2::L1L2(double l1, double l2)
    : Regularizer(
          "L1L2",
          [l1 = factor(l1, "l1"), l2 = factor(l2, "l2")](const Tensor& x) {
            Tensor r = Tensor::scalar(0.0, x.dtype(), x.device());
            if (l1 != 0) r = r + ops::sum(ops::abs(x)) * l1;
            if (l2 != 0) r = r + ops::sum(ops::square(x)) * l2;
            return r;
          },
          {{"l1", l1}, {"l2", l2}}) {}

}  // namespace keras::regularizers
