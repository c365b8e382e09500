// keras/src/metrics/hinge_metrics.py; per-sample formulas from keras/src/losses/losses.py
// (hinge, squared_hinge, categorical_hinge, convert_binary_labels_to_hinge).
#include "keras/metrics/hinge.h"

#include <algorithm>
#include <limits>

#include "metrics_utils.h"

namespace keras::metrics {

using namespace detail;  // NOLINT(google-build-using-namespace): the private helpers

namespace {
// Labels that are all 0 or 1 become -1 and 1.
Array hinge_labels(Array t) {
  const bool binary = std::all_of(t.v.begin(), t.v.end(), [](double x) { return x == 0 || x == 1; });
  if (binary)
    for (double& x : t.v) x = 2 * x - 1;
  return t;
}

Tensor hinge_mean(const Tensor& y_true, const Tensor& y_pred, bool squared, const char* who) {
  return to_tensor(per_row(
      hinge_labels(to_array(y_true)), to_array(y_pred),
      [squared](const double* t, const double* p, int64_t n) {
        double s = 0;
        for (int64_t j = 0; j < n; ++j) {
          const double h = std::max(1.0 - t[j] * p[j], 0.0);
          s += squared ? h * h : h;
        }
        return n > 0 ? s / static_cast<double>(n) : 0.0;
      },
      who));
}
}  // namespace

Tensor hinge(const Tensor& y_true, const Tensor& y_pred) { return hinge_mean(y_true, y_pred, false, "hinge"); }
Tensor squared_hinge(const Tensor& y_true, const Tensor& y_pred) {
  return hinge_mean(y_true, y_pred, true, "squared_hinge");
}

Tensor categorical_hinge(const Tensor& y_true, const Tensor& y_pred) {
  return to_tensor(per_row(
      to_array(y_true), to_array(y_pred),
      [](const double* t, const double* p, int64_t n) {
        double pos = 0, neg = -std::numeric_limits<double>::infinity();
        for (int64_t j = 0; j < n; ++j) {
          pos += t[j] * p[j];
          neg = std::max(neg, (1.0 - t[j]) * p[j]);
        }
        return std::max(neg - pos + 1.0, 0.0);
      },
      "categorical_hinge"));
}

Hinge::Hinge(std::string name, std::string dtype)
    : MeanMetricWrapper(std::move(name), hinge, "Hinge", std::move(dtype)) {}
SquaredHinge::SquaredHinge(std::string name, std::string dtype)
    : MeanMetricWrapper(std::move(name), squared_hinge, "SquaredHinge", std::move(dtype)) {}
CategoricalHinge::CategoricalHinge(std::string name, std::string dtype)
    : MeanMetricWrapper(std::move(name), categorical_hinge, "CategoricalHinge", std::move(dtype)) {}

}  // namespace keras::metrics
