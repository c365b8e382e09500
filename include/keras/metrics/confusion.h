// Confusion-matrix metrics (keras/src/metrics/confusion_metrics.py): counts of true and
// false positives and negatives at one or more thresholds, and what is computed from
// them: Precision, Recall, AUC, and the "X at Y" metrics. A prediction is positive
// when y_pred > threshold; a label is positive when it is not 0. Their variables are
// the counts, so they add up across processes.
//
//   model.compile("adam", "binary_crossentropy", {"AUC", metrics::Precision(), metrics::Recall({.thresholds = 0.7})});
#pragma once

#include <initializer_list>
#include <optional>

#include "keras/metrics/metric.h"

namespace keras::metrics {

/// The `thresholds` argument: None (the metric's default), one number or a list (Keras
/// keeps which, for get_config). Each must lie in [0, 1].
struct Thresholds {
  Thresholds() = default;
  Thresholds(double t) : values{t}, given(true) {}  // NOLINT: implicit, as Keras takes a float
  Thresholds(std::initializer_list<double> t) : values(t), given(true), list(true) {}
  Thresholds(std::vector<double> t) : values(std::move(t)), given(true), list(true) {}  // NOLINT
  std::vector<double> values{};
  bool given = false, list = false;
};

struct ConfusionCountOptions {
  Thresholds thresholds{};  // default 0.5
  std::string name{};       // default: the class name in snake case, made unique
  std::string dtype{};
};

/// The base of TruePositives, FalsePositives, TrueNegatives and FalseNegatives: a weighted
/// count per threshold. Variable: accumulator (one per threshold).
class ConfusionMatrixConditionCount : public Metric {
 public:
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  double result() const override;
  Tensor result_tensor() const override;
  bool has_scalar_result() const override { return acc_.size() == 1; }
  void reset_state() override;
  std::vector<double*> variables() override;
  ConfigMap get_config() const override;
  const std::vector<double>& thresholds() const { return thresholds_; }

 protected:
  ConfusionMatrixConditionCount(char cond, const std::string& class_name, ConfusionCountOptions o);

 private:
  char cond_;  // 't'p, 'f'p, 'n' (tn), 'm' (fn, a miss)
  Thresholds init_;
  std::vector<double> thresholds_, acc_;
  bool evenly_;
};

class TruePositives : public ConfusionMatrixConditionCount {
 public:
  explicit TruePositives(ConfusionCountOptions o = {});
};
class FalsePositives : public ConfusionMatrixConditionCount {
 public:
  explicit FalsePositives(ConfusionCountOptions o = {});
};
class TrueNegatives : public ConfusionMatrixConditionCount {
 public:
  explicit TrueNegatives(ConfusionCountOptions o = {});
};
class FalseNegatives : public ConfusionMatrixConditionCount {
 public:
  explicit FalseNegatives(ConfusionCountOptions o = {});
};

/// Precision and Recall (keras.metrics.Precision, keras.metrics.Recall). With top_k, only
/// the k highest predictions of each sample can be positive (default threshold: -1e10);
/// with class_id, only that column counts.
struct PrecisionOptions {
  Thresholds thresholds{};
  std::optional<int64_t> top_k{};
  std::optional<int64_t> class_id{};
  std::string name{};
  std::string dtype{};
};
using RecallOptions = PrecisionOptions;

/// tp / (tp + fp), 0 with nothing predicted positive. Variables: true_positives,
/// false_positives (one per threshold).
class Precision : public Metric {
 public:
  explicit Precision(PrecisionOptions o = {});
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  double result() const override;
  Tensor result_tensor() const override;
  bool has_scalar_result() const override { return tp_.size() == 1; }
  void reset_state() override;
  std::vector<double*> variables() override;
  ConfigMap get_config() const override;

 protected:
  Precision(PrecisionOptions o, const std::string& class_name);
  PrecisionOptions o_;
  std::vector<double> thresholds_, tp_, other_;
  bool evenly_;
};

/// tp / (tp + fn), 0 with no positive labels. Variables: true_positives, false_negatives.
class Recall : public Precision {
 public:
  explicit Recall(RecallOptions o = {});
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
};

struct SensitivitySpecificityOptions {
  int64_t num_thresholds = 200;
  std::optional<int64_t> class_id{};
  std::string name{};
  std::string dtype{};
};

/// The base of SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall and
/// RecallAtPrecision: all four counts at num_thresholds thresholds evenly spaced over [0, 1]
/// (one threshold, 0.5, when num_thresholds is 1). result() is the best `dependent` value
/// among thresholds where `constrained` >= the target value. Variables: true_positives,
/// false_positives, true_negatives, false_negatives.
class SensitivitySpecificityBase : public Metric {
 public:
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  double result() const override;
  void reset_state() override;
  std::vector<double*> variables() override;
  ConfigMap get_config() const override;

 protected:
  SensitivitySpecificityBase(const std::string& class_name, const char* value_key, double value,
                             SensitivitySpecificityOptions o);
  std::string value_key_;
  double value_;
  SensitivitySpecificityOptions o_;
  std::vector<double> thresholds_, tp_, fp_, tn_, fn_;
  bool evenly_;
};

class SensitivityAtSpecificity : public SensitivitySpecificityBase {
 public:
  explicit SensitivityAtSpecificity(double specificity, SensitivitySpecificityOptions o = {});
};
class SpecificityAtSensitivity : public SensitivitySpecificityBase {
 public:
  explicit SpecificityAtSensitivity(double sensitivity, SensitivitySpecificityOptions o = {});
};
class PrecisionAtRecall : public SensitivitySpecificityBase {
 public:
  explicit PrecisionAtRecall(double recall, SensitivitySpecificityOptions o = {});
};
class RecallAtPrecision : public SensitivitySpecificityBase {
 public:
  explicit RecallAtPrecision(double precision, SensitivitySpecificityOptions o = {});
};

struct AUCOptions {
  int64_t num_thresholds = 200;
  std::string curve = "ROC";                       // "ROC", "PR" or "PRGAIN"
  std::string summation_method = "interpolation";  // or "majoring", "minoring"
  std::string name{};
  std::string dtype{};
  std::optional<std::vector<double>> thresholds{};  // replaces num_thresholds; 0-eps and 1+eps are added
  bool multi_label = false;
  std::optional<int64_t> num_labels{};
  std::optional<std::vector<double>> label_weights{};
  bool from_logits = false;
};

/// The area under the ROC or PR curve by a Riemann sum over thresholds (keras.metrics.AUC);
/// PR with "interpolation" uses Davis & Goadrich's interpolation. With multi_label, one
/// curve per label (column), averaged (weighted by label_weights). Variables:
/// true_positives, false_positives, true_negatives, false_negatives, each of shape
/// (num_thresholds,) or (num_thresholds, num_labels).
class AUC : public Metric {
 public:
  explicit AUC(AUCOptions o = {});
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  double result() const override;
  void reset_state() override;
  std::vector<double*> variables() override;
  ConfigMap get_config() const override;
  /// The thresholds used, with -epsilon and 1 + epsilon at the ends.
  const std::vector<double>& thresholds() const { return thresholds_; }

 private:
  void build(int64_t num_labels);
  double interpolate_pr_auc() const;
  double combine(const std::vector<double>& by_label) const;
  AUCOptions o_;
  std::vector<double> thresholds_, tp_, fp_, tn_, fn_;
  bool evenly_ = true, built_ = false;
  int64_t labels_ = 1;
};

}  // namespace keras::metrics
