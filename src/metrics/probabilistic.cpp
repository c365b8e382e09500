// keras/src/metrics/probabilistic_metrics.py; per-sample formulas from
// keras/src/losses/losses.py (kl_divergence, poisson, the crossentropies).
#include "keras/metrics/probabilistic.h"

#include <algorithm>
#include <cmath>

#include "keras/errors.h"
#include "keras/losses/losses.h"
#include "metrics_utils.h"

namespace keras::metrics {

using keras::detail::cat;
using namespace detail;  // NOLINT(google-build-using-namespace): the private helpers

Tensor kl_divergence(const Tensor& y_true, const Tensor& y_pred) {
  return to_tensor(per_row(
      to_array(y_true), to_array(y_pred),
      [](const double* t, const double* p, int64_t n) {
        double s = 0;
        for (int64_t j = 0; j < n; ++j) {
          const double a = std::clamp(t[j], losses::kEpsilon, 1.0), b = std::clamp(p[j], losses::kEpsilon, 1.0);
          s += a * std::log(a / b);
        }
        return s;
      },
      "kl_divergence"));
}

Tensor poisson(const Tensor& y_true, const Tensor& y_pred) {
  return to_tensor(per_row(
      to_array(y_true), to_array(y_pred),
      [](const double* t, const double* p, int64_t n) {
        double s = 0;
        for (int64_t j = 0; j < n; ++j) s += p[j] - t[j] * std::log(p[j] + losses::kEpsilon);
        return n > 0 ? s / static_cast<double>(n) : 0.0;
      },
      "poisson"));
}

KLDivergence::KLDivergence(std::string name, std::string dtype)
    : MeanMetricWrapper(std::move(name), kl_divergence, "KLDivergence", std::move(dtype)) {}

Poisson::Poisson(std::string name, std::string dtype)
    : MeanMetricWrapper(std::move(name), poisson, "Poisson", std::move(dtype)) {}

BinaryCrossentropy::BinaryCrossentropy(BinaryCrossentropyOptions o)
    : MeanMetricWrapper(
          o.name,
          [o](const Tensor& t, const Tensor& p) {
            return losses::binary_crossentropy(t, p, o.from_logits, o.label_smoothing, -1);
          },
          "BinaryCrossentropy", o.dtype) {
  extra_config_ = {{"from_logits", o.from_logits}, {"label_smoothing", o.label_smoothing}};
}

CategoricalCrossentropy::CategoricalCrossentropy(CategoricalCrossentropyOptions o)
    : MeanMetricWrapper(
          o.name,
          [o](const Tensor& t, const Tensor& p) {
            return losses::categorical_crossentropy(t, p, o.from_logits, o.label_smoothing, o.axis);
          },
          "CategoricalCrossentropy", o.dtype) {
  extra_config_ = {{"from_logits", o.from_logits}, {"label_smoothing", o.label_smoothing}, {"axis", o.axis}};
}

SparseCategoricalCrossentropy::SparseCategoricalCrossentropy(SparseCategoricalCrossentropyOptions o)
    : MeanMetricWrapper(
          o.name,
          [o](const Tensor& t, const Tensor& p) {
            if (o.axis != -1 && o.axis != p.rank() - 1)
              throw ValueError(
                  cat("SparseCategoricalCrossentropy: only the last axis is supported. Received: axis=", o.axis));
            return losses::sparse_categorical_crossentropy(t, p, o.from_logits, o.ignore_class);
          },
          "SparseCategoricalCrossentropy", o.dtype) {
  extra_config_ = {{"from_logits", o.from_logits}, {"ignore_class", opt_value(o.ignore_class)}, {"axis", o.axis}};
}

}  // namespace keras::metrics
