// Metrics (keras.metrics): stateful accumulators over batches. fit/evaluate reset them at
// the start of every epoch and report result() in the logs under name().
//
//   model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::metrics {

class Metric {
 public:
  virtual ~Metric() = default;
  virtual void update_state(const Tensor& y_true, const Tensor& y_pred) = 0;
  virtual double result() const = 0;
  virtual void reset_state() = 0;
  /// The state result() is computed from, as numbers that add up across processes
  /// (Keras's metric.variables, created with aggregation="sum"): a distributed trainer
  /// sums them over the processes before reading result(). Empty for a metric with no
  /// state yet.
  virtual std::vector<double*> variables() { return {}; }
  const std::string& name() const { return name_; }
  /// Keras's class name ("SparseCategoricalAccuracy").
  const std::string& class_name() const { return class_name_; }

 protected:
  Metric(std::string name, std::string class_name) : name_(std::move(name)), class_name_(std::move(class_name)) {}

 private:
  std::string name_, class_name_;
};

/// A weighted running mean (keras.metrics.Mean); also tracks the loss in fit().
class Mean : public Metric {
 public:
  explicit Mean(std::string name = "mean") : Metric(std::move(name), "Mean") {}
  void update_state(const Tensor& y_true, const Tensor& y_pred) override;
  /// Adds `value` with weight `count` (e.g. a batch's mean loss times its size).
  void update(double value, double count = 1.0);
  double result() const override { return count_ > 0 ? total_ / count_ : 0.0; }
  void reset_state() override { total_ = count_ = 0; }
  std::vector<double*> variables() override { return {&total_, &count_}; }

 private:
  double total_ = 0, count_ = 0;
};

/// The mean of a per-sample function over all samples seen (keras's MeanMetricWrapper).
class MeanMetricWrapper : public Metric {
 public:
  using Fn = std::function<Tensor(const Tensor& y_true, const Tensor& y_pred)>;
  MeanMetricWrapper(std::string name, Fn fn, std::string class_name = "MeanMetricWrapper")
      : Metric(std::move(name), std::move(class_name)), fn_(std::move(fn)) {}
  void update_state(const Tensor& y_true, const Tensor& y_pred) override;
  double result() const override { return mean_.result(); }
  void reset_state() override { mean_.reset_state(); }
  std::vector<double*> variables() override { return mean_.variables(); }

 private:
  Fn fn_;
  Mean mean_;
};

class Accuracy : public MeanMetricWrapper { public: explicit Accuracy(std::string name = "accuracy"); };
class BinaryAccuracy : public MeanMetricWrapper {
 public: explicit BinaryAccuracy(std::string name = "binary_accuracy", double threshold = 0.5);
};
class CategoricalAccuracy : public MeanMetricWrapper {
 public: explicit CategoricalAccuracy(std::string name = "categorical_accuracy");
};
class SparseCategoricalAccuracy : public MeanMetricWrapper {
 public: explicit SparseCategoricalAccuracy(std::string name = "sparse_categorical_accuracy");
};
class MeanSquaredError : public MeanMetricWrapper {
 public: explicit MeanSquaredError(std::string name = "mean_squared_error");
};
class MeanAbsoluteError : public MeanMetricWrapper {
 public: explicit MeanAbsoluteError(std::string name = "mean_absolute_error");
};

/// "accuracy" / "acc" as Keras resolves it: binary, sparse categorical or categorical
/// accuracy, chosen from the shapes of the first batch it sees.
class AutoAccuracy : public Metric {
 public:
  explicit AutoAccuracy(std::string name = "accuracy") : Metric(std::move(name), "Accuracy") {}
  void update_state(const Tensor& y_true, const Tensor& y_pred) override;
  double result() const override { return impl_ ? impl_->result() : 0.0; }
  void reset_state() override { if (impl_) impl_->reset_state(); }
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

/// A new metric by Keras name ("accuracy", "mae", ...); ValueError if unknown.
std::shared_ptr<Metric> get(const std::string& name);

// Per-sample metric functions (1.0 where right, 0.0 where wrong).
Tensor sparse_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred);
Tensor categorical_accuracy(const Tensor& y_true, const Tensor& y_pred);
Tensor binary_accuracy(const Tensor& y_true, const Tensor& y_pred, double threshold = 0.5);

}  // namespace keras::metrics
