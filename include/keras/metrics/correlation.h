// Correlation metrics (keras/src/metrics/correlation_metrics.py): a correlation per sample
// (over `axis`, the features), averaged over samples.
#pragma once

#include "keras/metrics/reduction_metrics.h"

namespace keras::metrics {

/// Pearson's r of each sample's y_true and y_pred.
class PearsonCorrelation : public MeanMetricWrapper {
 public:
  explicit PearsonCorrelation(std::string name = "pearson_correlation", std::string dtype = "", int64_t axis = -1);
};
/// Lin's concordance correlation coefficient, as Keras computes it.
class ConcordanceCorrelation : public MeanMetricWrapper {
 public:
  explicit ConcordanceCorrelation(std::string name = "concordance_correlation", std::string dtype = "",
                                  int64_t axis = -1);
};

/// keras.metrics.pearson_correlation / concordance_correlation (axis -1 only).
Tensor pearson_correlation(const Tensor& y_true, const Tensor& y_pred, int64_t axis = -1);
Tensor concordance_correlation(const Tensor& y_true, const Tensor& y_pred, int64_t axis = -1);

}  // namespace keras::metrics
