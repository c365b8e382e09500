// Learning-rate schedules (keras.optimizers.schedules): the learning rate as a function
// of the optimizer's iteration count (0 at the first update), with Keras's formulas.
//
//   optimizers::Adam({.learning_rate = schedules::ExponentialDecay(1e-2, 1000, 0.9)});
//   optimizers::SGD({.learning_rate = schedules::PiecewiseConstantDecay({500, 1000}, {0.1, 0.01, 0.001})});
//
// An optimizer built on a schedule has no settable learning rate (the LR callbacks say so),
// and its saved state has no learning_rate variable, as in Keras.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "keras/utils/config_map.h"

namespace keras::optimizers::schedules {

class LearningRateSchedule {
 public:
  using Fn = std::function<double(int64_t step)>;

  /// A custom schedule.
  LearningRateSchedule(std::string class_name, Fn fn, ConfigMap config = {});
  /// Rebuilds a schedule from Keras's class name and config (ValueError if unknown).
  static LearningRateSchedule from_config(const std::string& class_name, const ConfigMap& config);

  double operator()(int64_t step) const { return fn_(step); }
  const std::string& class_name() const { return class_name_; }
  const ConfigMap& config() const { return config_; }

 private:
  std::string class_name_;
  Fn fn_;
  ConfigMap config_;
};

/// initial * decay_rate ^ (step / decay_steps), the exponent floored with `staircase`.
class ExponentialDecay : public LearningRateSchedule {
 public:
  ExponentialDecay(double initial_learning_rate, double decay_steps, double decay_rate, bool staircase = false,
                   std::string name = "ExponentialDecay");
};

/// initial / (1 + decay_rate * step / decay_steps), the ratio floored with `staircase`.
class InverseTimeDecay : public LearningRateSchedule {
 public:
  InverseTimeDecay(double initial_learning_rate, double decay_steps, double decay_rate, bool staircase = false,
                   std::string name = "InverseTimeDecay");
};

/// (initial - end) * (1 - step / decay_steps) ^ power + end; past decay_steps it stays at
/// end, or with `cycle` restarts over a multiple of decay_steps.
class PolynomialDecay : public LearningRateSchedule {
 public:
  PolynomialDecay(double initial_learning_rate, double decay_steps, double end_learning_rate = 0.0001,
                  double power = 1.0, bool cycle = false, std::string name = "PolynomialDecay");
};

/// values[0] up to boundaries[0] (inclusive), values[1] up to boundaries[1], ...,
/// values.back() after the last boundary.
class PiecewiseConstantDecay : public LearningRateSchedule {
 public:
  PiecewiseConstantDecay(std::vector<double> boundaries, std::vector<double> values,
                         std::string name = "PiecewiseConstant");
};

/// Cosine decay from initial (or, after a linear warmup of warmup_steps, from
/// warmup_target) to alpha * that over decay_steps.
class CosineDecay : public LearningRateSchedule {
 public:
  CosineDecay(double initial_learning_rate, double decay_steps, double alpha = 0.0, std::string name = "CosineDecay",
              std::optional<double> warmup_target = {}, double warmup_steps = 0);
};

}  // namespace keras::optimizers::schedules

namespace keras::optimizers {

/// What an optimizer's learning_rate argument takes: a number or a schedule.
class LearningRate {
 public:
  LearningRate(double value) : value_(value) {}  // NOLINT: implicit, as Keras takes a float
  LearningRate(schedules::LearningRateSchedule schedule)  // NOLINT: or a schedule
      : value_(0), schedule_(std::move(schedule)) {}
  bool is_schedule() const { return schedule_.has_value(); }
  /// The fixed value (a schedule's value at step 0).
  double value() const { return schedule_ ? (*schedule_)(0) : value_; }
  const schedules::LearningRateSchedule& schedule() const { return *schedule_; }
  /// The rate for the update after `step` updates.
  double at(int64_t step) const { return schedule_ ? (*schedule_)(step) : value_; }

 private:
  double value_;
  std::optional<schedules::LearningRateSchedule> schedule_;
};

}  // namespace keras::optimizers
