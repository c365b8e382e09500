// Probabilistic metrics (keras/src/metrics/probabilistic_metrics.py): the mean of a
// per-sample divergence or crossentropy.
#pragma once

#include <optional>

#include "keras/metrics/reduction_metrics.h"

namespace keras::metrics {

/// sum(y_true * log(y_true / y_pred)) over the last axis, both clipped to [1e-7, 1].
class KLDivergence : public MeanMetricWrapper {
 public:
  explicit KLDivergence(std::string name = "kl_divergence", std::string dtype = "");
};

/// mean(y_pred - y_true * log(y_pred + 1e-7)) over the last axis.
class Poisson : public MeanMetricWrapper {
 public:
  explicit Poisson(std::string name = "poisson", std::string dtype = "");
};

struct BinaryCrossentropyOptions {
  std::string name = "binary_crossentropy";
  std::string dtype{};
  bool from_logits = false;
  double label_smoothing = 0.0;
};
class BinaryCrossentropy : public MeanMetricWrapper {
 public:
  explicit BinaryCrossentropy(BinaryCrossentropyOptions o = {});
};

struct CategoricalCrossentropyOptions {
  std::string name = "categorical_crossentropy";
  std::string dtype{};
  bool from_logits = false;
  double label_smoothing = 0.0;
  int64_t axis = -1;
};
class CategoricalCrossentropy : public MeanMetricWrapper {
 public:
  explicit CategoricalCrossentropy(CategoricalCrossentropyOptions o = {});
};

struct SparseCategoricalCrossentropyOptions {
  std::string name = "sparse_categorical_crossentropy";
  std::string dtype{};
  bool from_logits = false;
  std::optional<int64_t> ignore_class{};
  int64_t axis = -1;  // only the last axis is supported
};
class SparseCategoricalCrossentropy : public MeanMetricWrapper {
 public:
  explicit SparseCategoricalCrossentropy(SparseCategoricalCrossentropyOptions o = {});
};

// Per-sample functions (keras.metrics.kl_divergence, keras.metrics.poisson).
Tensor kl_divergence(const Tensor& y_true, const Tensor& y_pred);
Tensor poisson(const Tensor& y_true, const Tensor& y_pred);

}  // namespace keras::metrics
