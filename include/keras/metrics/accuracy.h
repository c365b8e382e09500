// Accuracy metrics (keras/src/metrics/accuracy_metrics.py): the fraction of predictions
// that match, averaged over samples.
//
//   model.compile("adam", "sparse_categorical_crossentropy",
//                 {"accuracy", metrics::SparseTopKCategoricalAccuracy(3)});
#pragma once

#include "keras/metrics/reduction_metrics.h"

namespace keras::metrics {

class Accuracy : public MeanMetricWrapper {
 public:
  explicit Accuracy(std::string name = "accuracy", std::string dtype = "");
};

/// 1 where (y_pred > threshold) equals y_true.
class BinaryAccuracy : public MeanMetricWrapper {
 public:
  explicit BinaryAccuracy(std::string name = "binary_accuracy", double threshold = 0.5, std::string dtype = "");
  double threshold() const { return threshold_; }

 private:
  double threshold_;
};

/// 1 where argmax(y_pred) equals argmax(y_true) (one-hot labels).
class CategoricalAccuracy : public MeanMetricWrapper {
 public:
  explicit CategoricalAccuracy(std::string name = "categorical_accuracy", std::string dtype = "");
};

/// 1 where argmax(y_pred) equals the integer label.
class SparseCategoricalAccuracy : public MeanMetricWrapper {
 public:
  explicit SparseCategoricalAccuracy(std::string name = "sparse_categorical_accuracy", std::string dtype = "");
};

/// 1 where the one-hot label's class is among the k highest predictions (ties with the
/// k-th value count as in the top k).
class TopKCategoricalAccuracy : public MeanMetricWrapper {
 public:
  explicit TopKCategoricalAccuracy(int64_t k = 5, std::string name = "top_k_categorical_accuracy",
                                   std::string dtype = "");
};

/// 1 where the integer label is among the k highest predictions; with from_sorted_ids,
/// y_pred holds class ids sorted best first and the label must be among the first k.
class SparseTopKCategoricalAccuracy : public MeanMetricWrapper {
 public:
  explicit SparseTopKCategoricalAccuracy(int64_t k = 5, std::string name = "sparse_top_k_categorical_accuracy",
                                         std::string dtype = "", bool from_sorted_ids = false);
};

// Per-sample functions (keras.metrics.*: 1.0 where right, 0.0 where wrong).
Tensor accuracy(const Tensor& y_true, const Tensor& y_pred);
Tensor sparse_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred);
Tensor categorical_accuracy(const Tensor& y_true, const Tensor& y_pred);
Tensor binary_accuracy(const Tensor& y_true, const Tensor& y_pred, double threshold = 0.5);
Tensor top_k_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred, int64_t k = 5);
Tensor sparse_top_k_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred, int64_t k = 5,
                                         bool from_sorted_ids = false);

}  // namespace keras::metrics
