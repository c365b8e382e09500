// The metric base class (keras/src/metrics/metric.py): a stateful accumulator over
// batches. fit/evaluate reset it at the start of every epoch and report result() in the
// logs under name().
//
//   metrics::Precision m;
//   m.update_state(y_true, y_pred);                 // every batch
//   m.update_state(y_true, y_pred, sample_weight);  // or with weights
//   double p = m.result();
#pragma once

#include <string>
#include <vector>

#include "keras/tensor/tensor.h"
#include "keras/utils/config_map.h"

namespace keras::metrics {

class Metric {
 public:
  virtual ~Metric() = default;
  /// Adds a batch. `sample_weight` undefined (the default) means no weights; otherwise it
  /// broadcasts against the per-sample values as Keras's does ((batch,), (batch, 1),
  /// (batch, steps), ...). Overrides repeat the default argument.
  virtual void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) = 0;
  /// The scalar result. A metric whose result has several values (Precision with a list
  /// of thresholds, F1Score with average=None) throws ValueError here unless it has one
  /// value: read result_tensor() instead.
  virtual double result() const = 0;
  /// The result as a float32 tensor of its Keras shape (a scalar for most metrics).
  virtual Tensor result_tensor() const;
  /// Whether the result is one number now (fit logs it in Logs, else in Logs::arrays).
  virtual bool has_scalar_result() const { return true; }
  virtual void reset_state() = 0;
  /// The state result() is computed from, as numbers that add up across processes
  /// (Keras's metric.variables, created with aggregation="sum"): a distributed trainer
  /// sums them over the processes before reading result(). Empty for a metric with no
  /// state yet (one that learns its shape from the first batch).
  virtual std::vector<double*> variables() { return {}; }
  /// Keras's get_config(): its keys, in Keras's order.
  virtual ConfigMap get_config() const { return {{"name", name_}, {"dtype", dtype_}}; }

  const std::string& name() const { return name_; }
  /// Renames it (compile() names a metric given as a string by that string, as Keras does).
  void set_name(std::string name) { name_ = std::move(name); }
  /// Keras's class name ("SparseCategoricalAccuracy").
  const std::string& class_name() const { return class_name_; }
  /// The dtype Keras records in the config ("float32"); results are computed in double.
  const std::string& dtype() const { return dtype_; }

 protected:
  Metric(std::string name, std::string class_name, std::string dtype = "float32")
      : name_(std::move(name)),
        class_name_(std::move(class_name)),
        dtype_(dtype.empty() ? "float32" : std::move(dtype)) {}

 private:
  std::string name_, class_name_, dtype_;
};

/// Keras's automatic metric name for `class_name` (name=None): its snake case, made
/// unique in this process as Keras's auto_name does ("precision", "precision_1", ...).
std::string auto_name(const std::string& class_name);

}  // namespace keras::metrics
