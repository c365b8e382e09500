// Intersection-over-union metrics (keras/src/metrics/iou_metrics.py) for segmentation:
// a (num_classes x num_classes) confusion matrix of class ids accumulated over batches,
// IoU = tp / (tp + fp + fn) per class, averaged over the target classes that occur.
// The matrix is counted in `dtype` (default "int32": float sample weights are truncated,
// as in Keras).
//
//   metrics::MeanIoU m(3);
//   m.update_state(labels, predicted_ids);
#pragma once

#include <optional>

#include "keras/metrics/metric.h"

namespace keras::metrics {

struct IoUOptions {
  std::string name{};   // default: the class name in snake case ("mean_io_u"), made unique
  std::string dtype{};  // default "int32"
  std::optional<int64_t> ignore_class{};
  bool sparse_y_true = true;  // false: y_true holds one-hot / scores (argmax over `axis`)
  bool sparse_y_pred = true;  // false: y_pred holds scores (argmax over `axis`)
  int64_t axis = -1;
};

/// IoU over `target_class_ids` (keras.metrics.IoU). Variable: total_confusion_matrix
/// (rows: true class, columns: predicted class).
class IoU : public Metric {
 public:
  IoU(int64_t num_classes, std::vector<int64_t> target_class_ids, IoUOptions o = {});
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  double result() const override;
  void reset_state() override;
  std::vector<double*> variables() override;
  ConfigMap get_config() const override;
  /// The accumulated confusion matrix, row-major.
  const std::vector<double>& confusion_matrix() const { return cm_; }

 protected:
  IoU(const std::string& class_name, int64_t num_classes, std::vector<int64_t> target_class_ids, IoUOptions o);
  void add(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight);
  int64_t num_classes_;
  std::vector<int64_t> target_class_ids_;
  IoUOptions o_;
  std::vector<double> cm_;
};

/// IoU of thresholded binary predictions (y_pred >= threshold is class 1).
class BinaryIoU : public IoU {
 public:
  explicit BinaryIoU(std::vector<int64_t> target_class_ids = {0, 1}, double threshold = 0.5, std::string name = "",
                     std::string dtype = "");
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  ConfigMap get_config() const override;

 private:
  double threshold_;
};

/// IoU averaged over every class.
class MeanIoU : public IoU {
 public:
  explicit MeanIoU(int64_t num_classes, IoUOptions o = {});
  ConfigMap get_config() const override;

 protected:
  MeanIoU(const std::string& class_name, int64_t num_classes, IoUOptions o);
};

/// IoU with one-hot y_true (and scores in y_pred unless sparse_y_pred).
class OneHotIoU : public IoU {
 public:
  OneHotIoU(int64_t num_classes, std::vector<int64_t> target_class_ids, IoUOptions o = {.sparse_y_pred = false});
  ConfigMap get_config() const override;
};

/// MeanIoU with one-hot y_true (and scores in y_pred unless sparse_y_pred).
class OneHotMeanIoU : public MeanIoU {
 public:
  explicit OneHotMeanIoU(int64_t num_classes, IoUOptions o = {.sparse_y_pred = false});
  ConfigMap get_config() const override;
};

}  // namespace keras::metrics
