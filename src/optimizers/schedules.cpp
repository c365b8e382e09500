#include "keras/optimizers/schedules.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "keras/errors.h"
#include "utils/config_values.h"
#include "utils/excerpt.h"

namespace keras::optimizers::schedules {

using keras::detail::cat;

namespace {

double positive_steps(double decay_steps, const char* who) {
  if (!(decay_steps > 0)) throw ValueError(cat(who, ": argument `decay_steps` must be > 0. Received: decay_steps=", decay_steps));
  return decay_steps;
}

void check_finite(std::initializer_list<double> values, const char* who) {
  for (double v : values)
    if (!std::isfinite(v)) throw ValueError(cat(who, ": every argument must be a finite number, got ", v));
}

/// Keras writes step counts as ints.
ConfigValue steps_value(double v) {
  if (v == std::floor(v) && std::abs(v) < 9e15) return static_cast<int64_t>(v);
  return v;
}

std::vector<double> numbers(const ConfigMap& c, const char* key) {
  const ConfigValue* v = config_find(c, key);
  if (const auto* d = v ? std::get_if<std::vector<double>>(v) : nullptr) return *d;
  if (const auto* i = v ? std::get_if<std::vector<int64_t>>(v) : nullptr) return {i->begin(), i->end()};
  throw ValueError(cat("PiecewiseConstantDecay: `", key, "` must be a list of numbers"));
}

/// Keras writes the boundaries as given; steps are whole numbers, so write them as ints.
ConfigValue list_value(const std::vector<double>& v) {
  if (std::all_of(v.begin(), v.end(), [](double x) { return x == std::floor(x) && std::abs(x) < 9e15; }))
    return std::vector<int64_t>(v.begin(), v.end());
  return v;
}

bool flag(const ConfigMap& c, const char* key) {
  const ConfigValue* v = config_find(c, key);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return false;
  if (const auto* b = std::get_if<bool>(v)) return *b;
  throw ValueError(cat("Learning rate schedule argument \"", key, "\" must be true or false"));
}

std::string text(const ConfigMap& c, const std::string& fallback) {
  const ConfigValue* v = config_find(c, "name");
  if (const auto* s = v ? std::get_if<std::string>(v) : nullptr) return *s;
  return fallback;
}

}  // namespace

LearningRateSchedule::LearningRateSchedule(std::string class_name, Fn fn, ConfigMap config)
    : class_name_(std::move(class_name)), fn_(std::move(fn)), config_(std::move(config)) {
  if (!fn_) throw ValueError("LearningRateSchedule: a function is required");
}

LearningRateSchedule LearningRateSchedule::from_config(const std::string& cls, const ConfigMap& c) {
  auto num = [&](const char* key, double fallback) { return utils::config_number(c, key, fallback, cls.c_str()); };
  auto need = [&](const char* key) {
    if (!config_find(c, key)) throw ValueError(cat(cls, ": the config has no \"", key, "\""));
    return num(key, 0);
  };
  if (cls == "ExponentialDecay")
    return ExponentialDecay(need("initial_learning_rate"), need("decay_steps"), need("decay_rate"), flag(c, "staircase"),
                            text(c, cls));
  if (cls == "InverseTimeDecay")
    return InverseTimeDecay(need("initial_learning_rate"), need("decay_steps"), need("decay_rate"), flag(c, "staircase"),
                            text(c, cls));
  if (cls == "PolynomialDecay")
    return PolynomialDecay(need("initial_learning_rate"), need("decay_steps"), num("end_learning_rate", 0.0001),
                           num("power", 1.0), flag(c, "cycle"), text(c, cls));
  if (cls == "PiecewiseConstantDecay")
    return PiecewiseConstantDecay(numbers(c, "boundaries"), numbers(c, "values"), text(c, "PiecewiseConstant"));
  if (cls == "CosineDecay") {
    const ConfigValue* target = config_find(c, "warmup_target");
    std::optional<double> warmup_target;
    if (target && !std::holds_alternative<std::nullptr_t>(*target)) warmup_target = num("warmup_target", 0);
    return CosineDecay(need("initial_learning_rate"), need("decay_steps"), num("alpha", 0.0), text(c, cls), warmup_target,
                       num("warmup_steps", 0));
  }
  throw ValueError(cat("Unknown learning rate schedule: \"", utils::excerpt(cls),
                       "\". Known: ExponentialDecay, InverseTimeDecay, PolynomialDecay, PiecewiseConstantDecay, "
                       "CosineDecay"));
}

ExponentialDecay::ExponentialDecay(double initial, double decay_steps, double decay_rate, bool staircase, std::string name)
    : LearningRateSchedule(
          "ExponentialDecay",
          [=, steps = positive_steps(decay_steps, "ExponentialDecay")](int64_t step) {
            double p = static_cast<double>(step) / steps;
            if (staircase) p = std::floor(p);
            return initial * std::pow(decay_rate, p);
          },
          {{"initial_learning_rate", initial},
           {"decay_steps", steps_value(decay_steps)},
           {"decay_rate", decay_rate},
           {"staircase", staircase},
           {"name", name}}) {
  check_finite({initial, decay_rate}, "ExponentialDecay");
}

InverseTimeDecay::InverseTimeDecay(double initial, double decay_steps, double decay_rate, bool staircase, std::string name)
    : LearningRateSchedule(
          "InverseTimeDecay",
          [=, steps = positive_steps(decay_steps, "InverseTimeDecay")](int64_t step) {
            double p = static_cast<double>(step) / steps;
            if (staircase) p = std::floor(p);
            return initial / (1.0 + decay_rate * p);
          },
          {{"initial_learning_rate", initial},
           {"decay_steps", steps_value(decay_steps)},
           {"decay_rate", decay_rate},
           {"staircase", staircase},
           {"name", name}}) {
  check_finite({initial, decay_rate}, "InverseTimeDecay");
}

PolynomialDecay::PolynomialDecay(double initial, double decay_steps, double end, double power, bool cycle, std::string name)
    : LearningRateSchedule(
          "PolynomialDecay",
          [=, steps = positive_steps(decay_steps, "PolynomialDecay")](int64_t step_in) {
            double step = static_cast<double>(step_in), total = steps;
            if (cycle) total = steps * (step == 0 ? 1.0 : std::ceil(step / steps));
            else step = std::min(step, steps);
            return (initial - end) * std::pow(1.0 - step / total, power) + end;
          },
          {{"initial_learning_rate", initial},
           {"decay_steps", steps_value(decay_steps)},
           {"end_learning_rate", end},
           {"power", power},
           {"cycle", cycle},
           {"name", name}}) {
  check_finite({initial, end, power}, "PolynomialDecay");
}

PiecewiseConstantDecay::PiecewiseConstantDecay(std::vector<double> boundaries, std::vector<double> values, std::string name)
    : LearningRateSchedule(
          "PiecewiseConstantDecay",
          [boundaries, values](int64_t step) {
            for (size_t i = 0; i < boundaries.size(); ++i)
              if (static_cast<double>(step) <= boundaries[i]) return values[i];
            return values.back();
          },
          {{"boundaries", list_value(boundaries)}, {"values", values}, {"name", name}}) {
  if (values.empty() || boundaries.size() != values.size() - 1)
    throw ValueError(cat("The length of boundaries should be 1 less than the length of values. Received: ",
                         boundaries.size(), " boundaries and ", values.size(), " values"));
  if (!std::is_sorted(boundaries.begin(), boundaries.end()))
    throw ValueError("PiecewiseConstantDecay: the boundaries must be increasing");
  for (double v : values) check_finite({v}, "PiecewiseConstantDecay");
  for (double b : boundaries) check_finite({b}, "PiecewiseConstantDecay");
}

CosineDecay::CosineDecay(double initial, double decay_steps, double alpha, std::string name,
                         std::optional<double> warmup_target, double warmup_steps)
    : LearningRateSchedule(
          "CosineDecay",
          [=, steps = positive_steps(decay_steps, "CosineDecay")](int64_t step_in) {
            auto decay = [&](double step, double from) {
              const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * step / steps));
              return from * ((1.0 - alpha) * cosine + alpha);
            };
            double step = static_cast<double>(step_in);
            if (!warmup_target) return decay(std::min(step, steps), initial);
            step = std::min(step, steps + warmup_steps);
            if (step < warmup_steps) return (*warmup_target - initial) * (step / warmup_steps) + initial;
            return decay(step - warmup_steps, *warmup_target);
          },
          {{"initial_learning_rate", initial},
           {"decay_steps", steps_value(decay_steps)},
           {"alpha", alpha},
           {"name", name},
           {"warmup_target", warmup_target ? ConfigValue(*warmup_target) : ConfigValue(nullptr)},
           {"warmup_steps", steps_value(warmup_steps)}}) {
  check_finite({initial, alpha, warmup_target.value_or(0.0), warmup_steps}, "CosineDecay");
  if (warmup_steps < 0) throw ValueError(cat("CosineDecay: warmup_steps must be >= 0, got ", warmup_steps));
}

}  // namespace keras::optimizers::schedules
