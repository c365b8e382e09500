// keras/src/metrics/regression_metrics.py; per-sample formulas from
// keras/src/losses/losses.py (mean_absolute_percentage_error, mean_squared_logarithmic_error,
// log_cosh) and keras/src/utils/numerical_utils.py (normalize).
#include "keras/metrics/regression.h"

#include <cmath>

#include "keras/errors.h"
#include "keras/losses/losses.h"
#include "metrics_utils.h"

namespace keras::metrics {

using keras::detail::cat;
using namespace detail;  // NOLINT(google-build-using-namespace): the private helpers

namespace {
double row_mean(double s, int64_t n) { return n > 0 ? s / static_cast<double>(n) : 0.0; }
}  // namespace

Tensor mean_absolute_percentage_error(const Tensor& y_true, const Tensor& y_pred) {
  return to_tensor(per_row(
      to_array(y_true), to_array(y_pred),
      [](const double* t, const double* p, int64_t n) {
        double s = 0;
        for (int64_t j = 0; j < n; ++j) s += std::fabs((t[j] - p[j]) / std::max(std::fabs(t[j]), losses::kEpsilon));
        return 100.0 * row_mean(s, n);
      },
      "mean_absolute_percentage_error"));
}

Tensor mean_squared_logarithmic_error(const Tensor& y_true, const Tensor& y_pred) {
  return to_tensor(per_row(
      to_array(y_true), to_array(y_pred),
      [](const double* t, const double* p, int64_t n) {
        double s = 0;
        for (int64_t j = 0; j < n; ++j) {
          const double d =
              std::log(std::max(p[j], losses::kEpsilon) + 1.0) - std::log(std::max(t[j], losses::kEpsilon) + 1.0);
          s += d * d;
        }
        return row_mean(s, n);
      },
      "mean_squared_logarithmic_error"));
}

Tensor log_cosh(const Tensor& y_true, const Tensor& y_pred) {
  return to_tensor(per_row(
      to_array(y_true), to_array(y_pred),
      [](const double* t, const double* p, int64_t n) {
        double s = 0;
        for (int64_t j = 0; j < n; ++j) {
          const double x = p[j] - t[j], z = -2.0 * x;
          const double softplus = std::log1p(std::exp(-std::fabs(z))) + std::max(z, 0.0);
          s += x + softplus - std::log(2.0);  // log(cosh(x)), without overflow
        }
        return row_mean(s, n);
      },
      "log_cosh"));
}

Tensor cosine_similarity(const Tensor& y_true, const Tensor& y_pred, int64_t axis) {
  if (axis != -1 && axis != std::max<int64_t>(y_pred.rank(), 1) - 1)
    throw ValueError(cat("cosine_similarity: only the last axis is supported. Received: axis=", axis));
  return to_tensor(per_row(
      to_array(y_true), to_array(y_pred),
      [](const double* t, const double* p, int64_t n) {
        double tt = 0, pp = 0, tp = 0;
        for (int64_t j = 0; j < n; ++j) {
          tt += t[j] * t[j];
          pp += p[j] * p[j];
          tp += t[j] * p[j];
        }
        const double eps2 = losses::kEpsilon * losses::kEpsilon;  // x * rsqrt(max(sum(x^2), eps^2))
        return tp / std::sqrt(std::max(tt, eps2)) / std::sqrt(std::max(pp, eps2));
      },
      "cosine_similarity"));
}

MeanSquaredError::MeanSquaredError(std::string name, std::string dtype)
    : MeanMetricWrapper(std::move(name), losses::mean_squared_error, "MeanSquaredError", std::move(dtype)) {}
MeanAbsoluteError::MeanAbsoluteError(std::string name, std::string dtype)
    : MeanMetricWrapper(std::move(name), losses::mean_absolute_error, "MeanAbsoluteError", std::move(dtype)) {}
MeanAbsolutePercentageError::MeanAbsolutePercentageError(std::string name, std::string dtype)
    : MeanMetricWrapper(std::move(name), mean_absolute_percentage_error, "MeanAbsolutePercentageError",
                        std::move(dtype)) {}
MeanSquaredLogarithmicError::MeanSquaredLogarithmicError(std::string name, std::string dtype)
    : MeanMetricWrapper(std::move(name), mean_squared_logarithmic_error, "MeanSquaredLogarithmicError",
                        std::move(dtype)) {}
LogCoshError::LogCoshError(std::string name, std::string dtype)
    : MeanMetricWrapper(std::move(name), log_cosh, "LogCoshError", std::move(dtype)) {}
CosineSimilarity::CosineSimilarity(std::string name, std::string dtype, int64_t axis)
    : MeanMetricWrapper(
          std::move(name), [axis](const Tensor& t, const Tensor& p) { return cosine_similarity(t, p, axis); },
          "CosineSimilarity", std::move(dtype)) {}

// ---- RootMeanSquaredError

RootMeanSquaredError::RootMeanSquaredError(std::string name, std::string dtype)
    : Mean(std::move(name), "RootMeanSquaredError", std::move(dtype)) {}

void RootMeanSquaredError::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  Array t = to_array(y_true), p = to_array(y_pred);
  squeeze_or_expand_to_same_rank(t, p);
  const auto shape = broadcast_shapes(t.shape, p.shape, "RootMeanSquaredError");
  t = broadcast_to(t, shape, "RootMeanSquaredError");
  p = broadcast_to(p, shape, "RootMeanSquaredError");
  for (size_t i = 0; i < p.size(); ++i) p.v[i] = (p.v[i] - t.v[i]) * (p.v[i] - t.v[i]);
  std::optional<Array> w;
  if (sample_weight.defined()) w = to_array(sample_weight);
  const auto [total, count] = samplewise_totals(p, w, /*mean=*/true);
  total_ += total;
  count_ += count;
}

double RootMeanSquaredError::result() const { return std::sqrt(Mean::result()); }

// ---- R2Score

R2Score::R2Score(R2ScoreOptions o) : Metric(o.name, "R2Score", o.dtype), o_(std::move(o)) {
  if (o_.class_aggregation && *o_.class_aggregation != "uniform_average" &&
      *o_.class_aggregation != "variance_weighted_average")
    throw ValueError(
        cat("R2Score: invalid value for argument `class_aggregation`. Expected one of (None, "
            "'uniform_average', 'variance_weighted_average'). Received: class_aggregation=",
            *o_.class_aggregation));
  if (o_.num_regressors < 0)
    throw ValueError(
        cat("R2Score: invalid value for argument `num_regressors`. Expected a value >= 0. Received: "
            "num_regressors=",
            o_.num_regressors));
}

void R2Score::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  Array t = to_array(y_true), p = to_array(y_pred);
  squeeze_or_expand_to_same_rank(t, p);
  if (t.rank() != 2 || p.rank() != 2 || t.shape != p.shape)
    throw ValueError(
        cat("R2Score expects 2D inputs with shape (batch_size, output_dim). Received input shapes: "
            "y_pred.shape=",
            shape_str(p.shape), " and y_true.shape=", shape_str(t.shape), "."));
  const size_t n = static_cast<size_t>(t.shape[0]), k = static_cast<size_t>(t.shape[1]);
  if (sum_.empty()) {
    squared_sum_.assign(k, 0.0);
    sum_ = residual_ = count_ = squared_sum_;
  } else if (sum_.size() != k) {
    throw ValueError(
        cat("R2Score: expected ", sum_.size(), " outputs (from the first batch), received shape ", shape_str(t.shape)));
  }
  Array w{t.shape, std::vector<double>(t.size(), 1.0)};
  if (sample_weight.defined()) {
    Array sw = to_array(sample_weight);
    if (sw.rank() == 1) sw = expand_last(std::move(sw));
    w = broadcast_to(sw, t.shape, "R2Score sample_weight");
  }
  for (size_t i = 0; i < n; ++i) {
    bool nonzero = false;
    for (size_t j = 0; j < k; ++j) {
      const size_t at = i * k + j;
      const double yt = t.v[at], wt = w.v[at];
      sum_[j] += yt * wt;
      squared_sum_[j] += yt * yt * wt;
      residual_[j] += (yt - p.v[at]) * (yt - p.v[at]) * wt;
      count_[j] += wt;
      nonzero = nonzero || wt != 0;
    }
    num_samples_ += nonzero ? 1 : 0;
  }
}

std::vector<double> R2Score::scores() const {
  std::vector<double> raw(sum_.size()), total(sum_.size());
  for (size_t j = 0; j < sum_.size(); ++j) {
    const double mean = sum_[j] / count_[j];
    total[j] = squared_sum_[j] - sum_[j] * mean;
    raw[j] = 1.0 - residual_[j] / total[j];
    if (std::isinf(raw[j])) raw[j] = 0.0;
  }
  if (!o_.class_aggregation) return raw;
  double r2 = 0;
  if (*o_.class_aggregation == "uniform_average") {
    for (double x : raw) r2 += x;
    r2 /= static_cast<double>(raw.size());
  } else {
    double ws = 0, w = 0;
    for (size_t j = 0; j < raw.size(); ++j) {
      ws += total[j] * raw[j];
      w += total[j];
    }
    r2 = ws / w;
  }
  const double n = num_samples_, p = static_cast<double>(o_.num_regressors);
  // Adjusted R2 when there are more samples than regressors + 1 (Keras warns and falls back otherwise).
  if (o_.num_regressors != 0 && p < n - 1) r2 = 1.0 - (1.0 - r2) * (n - 1.0) / (n - p - 1.0);
  return {r2};
}

double R2Score::result() const {
  if (sum_.empty()) return 0.0;  // nothing seen yet
  const auto s = scores();
  if (s.size() != 1)
    throw ValueError(cat("R2Score \"", name(), "\" with class_aggregation=None has one score per output (", s.size(),
                         "): read result_tensor()"));
  return s[0];
}

Tensor R2Score::result_tensor() const {
  if (!o_.class_aggregation && !sum_.empty()) {
    const auto s = scores();
    return to_tensor(Array{{static_cast<int64_t>(s.size())}, s});
  }
  return Tensor::scalar(result());
}

void R2Score::reset_state() {
  num_samples_ = 0;
  for (auto* v : {&squared_sum_, &sum_, &residual_, &count_}) std::fill(v->begin(), v->end(), 0.0);
}

std::vector<double*> R2Score::variables() {
  std::vector<double*> out{&num_samples_};
  for (auto* v : {&squared_sum_, &sum_, &residual_, &count_})
    for (double& x : *v) out.push_back(&x);
  return out;
}

ConfigMap R2Score::get_config() const {
  ConfigMap c = Metric::get_config();
  c.emplace_back("class_aggregation", opt_value(o_.class_aggregation));
  c.emplace_back("num_regressors", o_.num_regressors);
  return c;
}

}  // namespace keras::metrics
