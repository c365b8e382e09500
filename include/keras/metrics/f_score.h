// F-scores (keras/src/metrics/f_score_metrics.py) of multi-label (batch, classes) data.
// Without a threshold, each sample's highest prediction is its positive class.
#pragma once

#include <optional>

#include "keras/metrics/metric.h"

namespace keras::metrics {

struct FBetaScoreOptions {
  std::optional<std::string> average{};  // none (one score per class), "micro", "macro", "weighted"
  double beta = 1.0;
  std::optional<double> threshold{};  // in (0, 1]
  std::string name = "fbeta_score";
  std::string dtype{};
};

/// (1 + beta^2) * precision * recall / (beta^2 * precision + recall). Variables:
/// true_positives, false_positives, false_negatives, intermediate_weights (one per class,
/// or one each with "micro"). With average none, result() needs result_tensor().
class FBetaScore : public Metric {
 public:
  explicit FBetaScore(FBetaScoreOptions o = {});
  void update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight = {}) override;
  double result() const override;
  Tensor result_tensor() const override;
  bool has_scalar_result() const override { return o_.average.has_value() || tp_.size() <= 1; }
  void reset_state() override;
  std::vector<double*> variables() override;
  ConfigMap get_config() const override;

 protected:
  FBetaScore(FBetaScoreOptions o, const std::string& class_name);
  std::vector<double> scores() const;
  FBetaScoreOptions o_;
  std::vector<double> tp_, fp_, fn_, weights_;
};

struct F1ScoreOptions {
  std::optional<std::string> average{};
  std::optional<double> threshold{};
  std::string name = "f1_score";
  std::string dtype{};
};

/// FBetaScore with beta = 1.
class F1Score : public FBetaScore {
 public:
  explicit F1Score(F1ScoreOptions o = {});
  ConfigMap get_config() const override;
};

}  // namespace keras::metrics
