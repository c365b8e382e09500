// keras/src/metrics/accuracy_metrics.py
#include "keras/metrics/accuracy.h"

#include "keras/errors.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "metrics_utils.h"

namespace keras::metrics {

using keras::detail::cat;
using namespace detail;  // NOLINT(google-build-using-namespace): the private helpers

namespace {
Tensor as_float(const Tensor& t) { return t.dtype() == DType::float32 ? t : ops::cast(t, DType::float32); }

// ops.in_top_k as Keras's numpy backend computes it: the target's prediction is at least
// the k-th largest (so ties at the boundary count as in).
bool in_top_k(const double* row, int64_t n, int64_t target, int64_t k) {
  if (target < 0 || target >= n) return false;
  int64_t greater = 0;
  for (int64_t j = 0; j < n; ++j) greater += row[j] > row[target];
  return greater < k;
}
}  // namespace

Tensor accuracy(const Tensor& y_true, const Tensor& y_pred) {
  Array t = to_array(y_true), p = to_array(y_pred);
  squeeze_or_expand_to_same_rank(t, p);
  const auto shape = broadcast_shapes(t.shape, p.shape, "accuracy");
  t = broadcast_to(t, shape, "accuracy");
  p = broadcast_to(p, shape, "accuracy");
  for (size_t i = 0; i < t.size(); ++i) t.v[i] = static_cast<float>(t.v[i]) == static_cast<float>(p.v[i]) ? 1.0 : 0.0;
  return to_tensor(t);
}

Tensor sparse_categorical_accuracy(const Tensor& y_true_in, const Tensor& y_pred) {
  Tensor y_true = y_true_in;
  if (y_true.rank() == y_pred.rank() && y_true.rank() > 0 && y_true.dim(-1) == 1) y_true = ops::squeeze(y_true, -1);
  Tensor pred = ops::argmax(y_pred, -1);
  Tensor labels = y_true.dtype() == DType::int64 ? y_true : ops::cast(y_true, DType::int64);
  if (labels.shape() != pred.shape())
    throw ValueError(cat("sparse_categorical_accuracy: labels of shape ", y_true_in.shape().to_string(),
                         " do not match predictions of shape ", y_pred.shape().to_string()));
  return ops::cast(ops::equal(pred, labels), DType::float32);
}

Tensor categorical_accuracy(const Tensor& y_true, const Tensor& y_pred) {
  if (y_true.shape() != y_pred.shape())
    throw ValueError(cat("categorical_accuracy: y_true of shape ", y_true.shape().to_string(),
                         " does not match y_pred of shape ", y_pred.shape().to_string()));
  return ops::cast(ops::equal(ops::argmax(as_float(y_true), -1), ops::argmax(y_pred, -1)), DType::float32);
}

Tensor binary_accuracy(const Tensor& y_true, const Tensor& y_pred, double threshold) {
  Array t = to_array(y_true), p = to_array(y_pred);
  squeeze_or_expand_to_same_rank(t, p);
  const auto shape = broadcast_shapes(t.shape, p.shape, "binary_accuracy");
  t = broadcast_to(t, shape, "binary_accuracy");
  p = broadcast_to(p, shape, "binary_accuracy");
  const float th = static_cast<float>(threshold);
  for (size_t i = 0; i < t.size(); ++i) {
    const double pred = static_cast<float>(p.v[i]) > th ? 1.0 : 0.0;
    t.v[i] = t.v[i] == pred ? 1.0 : 0.0;
  }
  return to_tensor(t);
}

Tensor top_k_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred, int64_t k) {
  const Array t = to_array(y_true), p = to_array(y_pred);
  if (t.rank() < 1 || p.rank() < 1 || t.shape != p.shape)
    throw ValueError(cat("top_k_categorical_accuracy: y_true of shape ", shape_str(t.shape),
                         " must match y_pred of shape ", shape_str(p.shape), " (one-hot labels)"));
  const int64_t n = p.last();
  Array out{std::vector<int64_t>(t.shape.begin(), t.shape.end() - 1), {}};
  const int64_t rows = n > 0 ? static_cast<int64_t>(p.size()) / n : 0;
  for (int64_t r = 0; r < rows; ++r) {
    const double* tr = t.v.data() + r * n;
    int64_t label = 0;
    for (int64_t j = 1; j < n; ++j)
      if (tr[j] > tr[label]) label = j;
    out.v.push_back(in_top_k(p.v.data() + r * n, n, label, k) ? 1.0 : 0.0);
  }
  return to_tensor(out);
}

Tensor sparse_top_k_categorical_accuracy(const Tensor& y_true, const Tensor& y_pred, int64_t k, bool from_sorted_ids) {
  const Array t = to_array(y_true), p = to_array(y_pred);
  if (p.rank() < 1) throw ValueError("sparse_top_k_categorical_accuracy: y_pred must have rank >= 1");
  const int64_t n = p.last();
  const int64_t rows = n > 0 ? static_cast<int64_t>(p.size()) / n : 0;
  if (static_cast<int64_t>(t.size()) != rows)
    throw ValueError(cat("sparse_top_k_categorical_accuracy: y_true of shape ", shape_str(t.shape), " holds ", t.size(),
                         " labels for ", rows, " rows of y_pred of shape ", shape_str(p.shape)));
  Array out{t.rank() > 1 ? t.shape : std::vector<int64_t>{rows}, {}};
  for (int64_t r = 0; r < rows; ++r) {
    const double* row = p.v.data() + r * n;
    bool hit = false;
    if (from_sorted_ids) {
      for (int64_t j = 0; j < std::min(k, n); ++j) hit = hit || row[j] == t.v[static_cast<size_t>(r)];
    } else {
      hit = in_top_k(row, n, static_cast<int64_t>(t.v[static_cast<size_t>(r)]), k);
    }
    out.v.push_back(hit ? 1.0 : 0.0);
  }
  return to_tensor(out);
}

Accuracy::Accuracy(std::string name, std::string dtype)
    : MeanMetricWrapper(std::move(name), accuracy, "Accuracy", std::move(dtype)) {}

BinaryAccuracy::BinaryAccuracy(std::string name, double threshold, std::string dtype)
    : MeanMetricWrapper(
          std::move(name), [threshold](const Tensor& t, const Tensor& p) { return binary_accuracy(t, p, threshold); },
          "BinaryAccuracy", std::move(dtype)),
      threshold_(threshold) {
  extra_config_ = {{"threshold", threshold}};
}

CategoricalAccuracy::CategoricalAccuracy(std::string name, std::string dtype)
    : MeanMetricWrapper(std::move(name), categorical_accuracy, "CategoricalAccuracy", std::move(dtype)) {}

SparseCategoricalAccuracy::SparseCategoricalAccuracy(std::string name, std::string dtype)
    : MeanMetricWrapper(std::move(name), sparse_categorical_accuracy, "SparseCategoricalAccuracy", std::move(dtype)) {}

TopKCategoricalAccuracy::TopKCategoricalAccuracy(int64_t k, std::string name, std::string dtype)
    : MeanMetricWrapper(
          std::move(name), [k](const Tensor& t, const Tensor& p) { return top_k_categorical_accuracy(t, p, k); },
          "TopKCategoricalAccuracy", std::move(dtype)) {
  if (k < 1) throw ValueError(cat("TopKCategoricalAccuracy: `k` must be a positive integer. Received: k=", k));
  extra_config_ = {{"k", k}};
}

SparseTopKCategoricalAccuracy::SparseTopKCategoricalAccuracy(int64_t k, std::string name, std::string dtype,
                                                             bool from_sorted_ids)
    : MeanMetricWrapper(
          std::move(name),
          [k, from_sorted_ids](const Tensor& t, const Tensor& p) {
            return sparse_top_k_categorical_accuracy(t, p, k, from_sorted_ids);
          },
          "SparseTopKCategoricalAccuracy", std::move(dtype)) {
  if (k < 1) throw ValueError(cat("SparseTopKCategoricalAccuracy: `k` must be a positive integer. Received: k=", k));
  extra_config_ = {{"k", k}};
  if (from_sorted_ids) extra_config_.emplace_back("from_sorted_ids", true);
}

}  // namespace keras::metrics
