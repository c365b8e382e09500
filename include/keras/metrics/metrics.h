// Metrics (keras.metrics): stateful accumulators over batches. fit/evaluate reset them at
// the start of every epoch and report result() in the logs under name(). This header
// brings every metric family (one header per Keras file) and the lookups by name and
// by config.
//
//   model.compile("adam", "binary_crossentropy", {"accuracy", "AUC", metrics::Precision()});
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "keras/metrics/accuracy.h"
#include "keras/metrics/confusion.h"
#include "keras/metrics/correlation.h"
#include "keras/metrics/f_score.h"
#include "keras/metrics/hinge.h"
#include "keras/metrics/iou.h"
#include "keras/metrics/metric.h"
#include "keras/metrics/probabilistic.h"
#include "keras/metrics/reduction_metrics.h"
#include "keras/metrics/regression.h"

namespace keras::metrics {

/// "accuracy" / "acc" as Keras resolves it: binary, sparse categorical or categorical
/// accuracy, chosen from the shapes of the first batch it sees.
class AutoAccuracy : public Metric {
 public:
  explicit AutoAccuracy(std::string name = "accuracy") : Metric(std::move(name), "Accuracy") {}
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  double result() const override { return impl_ ? impl_->result() : 0.0; }
  void reset_state() override {
    if (impl_) impl_->reset_state();
  }
  std::vector<double*> variables() override { return impl_ ? impl_->variables() : std::vector<double*>{}; }

 private:
  std::unique_ptr<Metric> impl_;
};

/// A metric by name or object, as compile() takes them.
class MetricRef {
 public:
  MetricRef(const char* name);         // NOLINT: implicit, as Keras accepts strings
  MetricRef(const std::string& name);  // NOLINT
  template <class M>
    requires std::derived_from<std::decay_t<M>, Metric>
  MetricRef(M&& metric) : ptr_(std::make_shared<std::decay_t<M>>(std::forward<M>(metric))) {}  // NOLINT
  MetricRef(std::shared_ptr<Metric> metric) : ptr_(std::move(metric)) {}  // NOLINT
  const std::shared_ptr<Metric>& ptr() const { return ptr_; }
  /// The name it was given as, when given by name (so a model can make one per output).
  const std::string& spec() const { return spec_; }

 private:
  std::shared_ptr<Metric> ptr_;
  std::string spec_;
};

/// A new metric by a Keras name, as compile() resolves a string: the class name ("AUC",
/// "RootMeanSquaredError"), its snake case ("auc", "root_mean_squared_error"), the
/// short names "mse", "mae", "mape", "msle", "bce" (or in capitals), and "accuracy" /
/// "acc". The metric is named by the string given, as Keras's compile names it. Metrics
/// with required arguments (IoU, PrecisionAtRecall, ...) cannot be made from a name.
/// ValueError if unknown.
std::shared_ptr<Metric> get(const std::string& name);

/// Rebuilds a metric from its Keras class name and get_config() dict, as Keras's
/// deserialize does (unknown keys are ignored). ValueError if the class is unknown or a
/// required argument is missing.
std::shared_ptr<Metric> from_config(const std::string& class_name, const ConfigMap& config);

/// Every class name from_config knows, in Keras's ALL_OBJECTS order.
std::vector<std::string> class_names();

}  // namespace keras::metrics
