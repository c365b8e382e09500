// Hinge metrics (keras/src/metrics/hinge_metrics.py). Labels of 0 and 1 are read as -1
// and 1 (when every label is 0 or 1), as Keras's hinge losses do.
#pragma once

#include "keras/metrics/reduction_metrics.h"

namespace keras::metrics {

/// mean(max(1 - y_true * y_pred, 0)) over the last axis.
class Hinge : public MeanMetricWrapper {
 public:
  explicit Hinge(std::string name = "hinge", std::string dtype = "");
};
/// mean(max(1 - y_true * y_pred, 0)^2) over the last axis.
class SquaredHinge : public MeanMetricWrapper {
 public:
  explicit SquaredHinge(std::string name = "squared_hinge", std::string dtype = "");
};
/// max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0) per sample.
class CategoricalHinge : public MeanMetricWrapper {
 public:
  explicit CategoricalHinge(std::string name = "categorical_hinge", std::string dtype = "");
};

Tensor hinge(const Tensor& y_true, const Tensor& y_pred);
Tensor squared_hinge(const Tensor& y_true, const Tensor& y_pred);
Tensor categorical_hinge(const Tensor& y_true, const Tensor& y_pred);

}  // namespace keras::metrics
