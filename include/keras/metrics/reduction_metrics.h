// Reduction metrics (keras/src/metrics/reduction_metrics.py): Mean, Sum and
// MeanMetricWrapper, the base of every metric that averages a per-sample function; and
// MeanTensor (tf.keras's element-wise mean, which Keras 3 dropped).
//
//   metrics::Mean m;
//   m.update_values(Tensor::from_vector<float>({1, 3, 5, 7}),
//                   Tensor::from_vector<float>({1, 1, 0, 0}));   // m.result() == 2
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "keras/metrics/metric.h"

namespace keras::metrics {

/// The (weighted) mean of the values given (keras.metrics.Mean); also tracks the loss in
/// fit(). Variables: total, count. As a compiled metric it averages y_pred.
class Mean : public Metric {
 public:
  explicit Mean(std::string name = "mean", std::string dtype = "")
      : Metric(std::move(name), "Mean", std::move(dtype)) {}
  /// Averages y_pred (the values), weighted by sample_weight.
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  /// Keras's update_state(values, sample_weight): weights broadcast to the values, which are
  /// averaged per sample first (so weights of shape (batch,) weigh whole samples).
  void update_values(const Tensor& values, const Tensor& sample_weight = {});
  /// Adds `value` with weight `count` (e.g. a batch's mean loss times its size).
  void update(double value, double count = 1.0);
  double result() const override { return count_ != 0 ? total_ / count_ : 0.0; }  // divide_no_nan
  void reset_state() override { total_ = count_ = 0; }
  std::vector<double*> variables() override { return {&total_, &count_}; }

 protected:
  Mean(std::string name, std::string class_name, std::string dtype)
      : Metric(std::move(name), std::move(class_name), std::move(dtype)) {}
  double total_ = 0, count_ = 0;
};

/// The (weighted) sum of the values given (keras.metrics.Sum). Variable: total.
class Sum : public Metric {
 public:
  explicit Sum(std::string name = "sum", std::string dtype = "") : Metric(std::move(name), "Sum", std::move(dtype)) {}
  /// Sums y_pred (the values), weighted by sample_weight.
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  void update_values(const Tensor& values, const Tensor& sample_weight = {});
  double result() const override { return total_; }
  void reset_state() override { total_ = 0; }
  std::vector<double*> variables() override { return {&total_}; }

 private:
  double total_ = 0;
};

/// The element-wise (weighted) mean of tensors of one shape (tf.keras.metrics.MeanTensor;
/// Keras 3 has none). The shape comes from `shape` or the first batch. Variables: total
/// and count, each of that shape. result_tensor() is the mean; result() needs one element.
class MeanTensor : public Metric {
 public:
  explicit MeanTensor(std::string name = "mean_tensor", std::string dtype = "",
                      std::optional<std::vector<int64_t>> shape = std::nullopt);
  /// Averages y_pred (the values) element by element.
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  void update_values(const Tensor& values, const Tensor& sample_weight = {});
  double result() const override;
  Tensor result_tensor() const override;
  bool has_scalar_result() const override { return total_.size() == 1; }
  void reset_state() override;
  std::vector<double*> variables() override;
  ConfigMap get_config() const override;

 private:
  std::optional<std::vector<int64_t>> shape_;
  std::vector<double> total_, count_;
};

/// The mean of a per-sample function over all samples seen (keras.metrics.MeanMetricWrapper).
/// y_pred's Keras mask, when it has one, weighs the values as Keras 3 does.
class MeanMetricWrapper : public Mean {
 public:
  using Fn = std::function<Tensor(const Tensor& y_true, const Tensor& y_pred)>;
  MeanMetricWrapper(std::string name, Fn fn, std::string class_name = "MeanMetricWrapper", std::string dtype = "")
      : Mean(std::move(name), std::move(class_name), std::move(dtype)), fn_(std::move(fn)) {}
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  /// {name, dtype} and the wrapped function's arguments, in Keras's order; a plain
  /// wrapper adds "fn" (the function's Keras name) when it has one.
  ConfigMap get_config() const override;
  /// The Keras name of the wrapped function, for get_config ("mean_squared_error").
  void set_fn_name(std::string fn_name) { fn_name_ = std::move(fn_name); }

 protected:
  /// Keys get_config writes after name and dtype.
  ConfigMap extra_config_;

 private:
  Fn fn_;
  std::string fn_name_;
};

}  // namespace keras::metrics
