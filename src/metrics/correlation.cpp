// keras/src/metrics/correlation_metrics.py
#include "keras/metrics/correlation.h"

#include <cmath>

#include "keras/errors.h"
#include "keras/losses/losses.h"
#include "metrics_utils.h"

namespace keras::metrics {

using keras::detail::cat;
using namespace detail;  // NOLINT(google-build-using-namespace): the private helpers

namespace {
void check_axis(const char* who, const Tensor& y_pred, int64_t axis) {
  if (axis != -1 && axis != std::max<int64_t>(y_pred.rank(), 1) - 1)
    throw ValueError(cat(who, ": only the last axis is supported. Received: axis=", axis));
}
double mean_of(const double* x, int64_t n) {
  double s = 0;
  for (int64_t j = 0; j < n; ++j) s += x[j];
  return s / static_cast<double>(n);
}
}  // namespace

Tensor pearson_correlation(const Tensor& y_true, const Tensor& y_pred, int64_t axis) {
  check_axis("pearson_correlation", y_pred, axis);
  return to_tensor(per_row(
      to_array(y_true), to_array(y_pred),
      [](const double* t, const double* p, int64_t n) {
        const double mt = mean_of(t, n), mp = mean_of(p, n);
        double vt = 0, vp = 0, c = 0;
        for (int64_t j = 0; j < n; ++j) {
          vt += (t[j] - mt) * (t[j] - mt);
          vp += (p[j] - mp) * (p[j] - mp);
          c += (t[j] - mt) * (p[j] - mp);
        }
        // mean((t - mt) / std_t * (p - mp) / std_p), population std (NaN for a constant row, as in Keras)
        const double st = std::sqrt(vt / static_cast<double>(n)), sp = std::sqrt(vp / static_cast<double>(n));
        return c / static_cast<double>(n) / (st * sp);
      },
      "pearson_correlation"));
}

Tensor concordance_correlation(const Tensor& y_true, const Tensor& y_pred, int64_t axis) {
  check_axis("concordance_correlation", y_pred, axis);
  return to_tensor(per_row(
      to_array(y_true), to_array(y_pred),
      [](const double* t, const double* p, int64_t n) {
        const double mt = mean_of(t, n), mp = mean_of(p, n);
        double vt = 0, vp = 0;
        for (int64_t j = 0; j < n; ++j) {
          vt += (t[j] - mt) * (t[j] - mt);
          vp += (p[j] - mp) * (p[j] - mp);
        }
        vt /= static_cast<double>(n);
        vp /= static_cast<double>(n);
        const double norm = vt + vp + (mt - mp) * (mt - mp) + losses::kEpsilon;
        double s = 0;
        // Keras centres y_true on y_pred's mean in the covariance term; kept as Keras has it.
        for (int64_t j = 0; j < n; ++j) s += 2 * (t[j] - mp) * (p[j] - mp) / norm;
        return s / static_cast<double>(n);
      },
      "concordance_correlation"));
}

PearsonCorrelation::PearsonCorrelation(std::string name, std::string dtype, int64_t axis)
    : MeanMetricWrapper(
          std::move(name), [axis](const Tensor& t, const Tensor& p) { return pearson_correlation(t, p, axis); },
          "PearsonCorrelation", std::move(dtype)) {
  extra_config_ = {{"axis", axis}};
}

ConcordanceCorrelation::ConcordanceCorrelation(std::string name, std::string dtype, int64_t axis)
    : MeanMetricWrapper(
          std::move(name), [axis](const Tensor& t, const Tensor& p) { return concordance_correlation(t, p, axis); },
          "ConcordanceCorrelation", std::move(dtype)) {
  extra_config_ = {{"axis", axis}};
}

}  // namespace keras::metrics
