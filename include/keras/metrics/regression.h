// Regression metrics (keras/src/metrics/regression_metrics.py).
#pragma once

#include <optional>

#include "keras/metrics/reduction_metrics.h"

namespace keras::metrics {

class MeanSquaredError : public MeanMetricWrapper {
 public:
  explicit MeanSquaredError(std::string name = "mean_squared_error", std::string dtype = "");
};
class MeanAbsoluteError : public MeanMetricWrapper {
 public:
  explicit MeanAbsoluteError(std::string name = "mean_absolute_error", std::string dtype = "");
};
/// 100 * mean(|y_true - y_pred| / max(|y_true|, 1e-7)) over the last axis.
class MeanAbsolutePercentageError : public MeanMetricWrapper {
 public:
  explicit MeanAbsolutePercentageError(std::string name = "mean_absolute_percentage_error", std::string dtype = "");
};
/// mean((log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1))^2) over the last axis.
class MeanSquaredLogarithmicError : public MeanMetricWrapper {
 public:
  explicit MeanSquaredLogarithmicError(std::string name = "mean_squared_logarithmic_error", std::string dtype = "");
};
/// sqrt of the (weighted) mean of (y_pred - y_true)^2 over every element seen.
class RootMeanSquaredError : public Mean {
 public:
  explicit RootMeanSquaredError(std::string name = "root_mean_squared_error", std::string dtype = "");
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  double result() const override;
};
/// The cosine of the angle between y_true and y_pred along `axis` (not written in the
/// config, as in Keras).
class CosineSimilarity : public MeanMetricWrapper {
 public:
  explicit CosineSimilarity(std::string name = "cosine_similarity", std::string dtype = "", int64_t axis = -1);
};
/// mean(log(cosh(y_pred - y_true))) over the last axis.
class LogCoshError : public MeanMetricWrapper {
 public:
  explicit LogCoshError(std::string name = "logcosh", std::string dtype = "");
};

struct R2ScoreOptions {
  /// "uniform_average", "variance_weighted_average", or none (one score per output).
  std::optional<std::string> class_aggregation = "uniform_average";
  int64_t num_regressors = 0;  // > 0: the adjusted R2
  std::string name = "r2_score";
  std::string dtype{};
};
/// The coefficient of determination of (batch, outputs) data, per output then aggregated.
/// Variables: num_samples, squared_sum, sum, residual, count (one per output each).
class R2Score : public Metric {
 public:
  explicit R2Score(R2ScoreOptions o = {});
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  double result() const override;
  Tensor result_tensor() const override;
  bool has_scalar_result() const override { return o_.class_aggregation.has_value() || sum_.size() <= 1; }
  void reset_state() override;
  std::vector<double*> variables() override;
  ConfigMap get_config() const override;

 private:
  std::vector<double> scores() const;
  R2ScoreOptions o_;
  double num_samples_ = 0;
  std::vector<double> squared_sum_, sum_, residual_, count_;
};

// Per-sample functions (keras.metrics.*).
Tensor mean_absolute_percentage_error(const Tensor& y_true, const Tensor& y_pred);
Tensor mean_squared_logarithmic_error(const Tensor& y_true, const Tensor& y_pred);
Tensor log_cosh(const Tensor& y_true, const Tensor& y_pred);
/// The cosine similarity itself (Keras's regression_metrics.cosine_similarity), axis -1 only.
Tensor cosine_similarity(const Tensor& y_true, const Tensor& y_pred, int64_t axis = -1);

}  // namespace keras::metrics
