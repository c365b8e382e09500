// keras/src/metrics/f_score_metrics.py
#include "keras/metrics/f_score.h"

#include <algorithm>
#include <cmath>

#include "keras/errors.h"
#include "keras/losses/losses.h"
#include "metrics_utils.h"

namespace keras::metrics {

using keras::detail::cat;
using namespace detail;  // NOLINT(google-build-using-namespace): the private helpers

FBetaScore::FBetaScore(FBetaScoreOptions o) : FBetaScore(std::move(o), "FBetaScore") {}

FBetaScore::FBetaScore(FBetaScoreOptions o, const std::string& class_name)
    : Metric(o.name, class_name, o.dtype), o_(std::move(o)) {
  if (o_.average && *o_.average != "micro" && *o_.average != "macro" && *o_.average != "weighted")
    throw ValueError(cat(class_name,
                         ": invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                         "'weighted'}. Received: average=",
                         *o_.average));
  if (!(o_.beta > 0))
    throw ValueError(cat(class_name, ": invalid `beta` argument value. It should be > 0. Received: beta=", o_.beta));
  if (o_.threshold && !(*o_.threshold > 0 && *o_.threshold <= 1))
    throw ValueError(cat(class_name,
                         ": invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                         "Received: threshold=",
                         *o_.threshold));
}

void FBetaScore::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  Array t = to_array(y_true), p = to_array(y_pred);
  if (t.rank() != 2 || p.rank() != 2 || t.shape != p.shape)
    throw ValueError(cat(class_name(),
                         " expects 2D inputs with shape (batch_size, output_dim). Received input shapes: "
                         "y_pred.shape=",
                         shape_str(p.shape), " and y_true.shape=", shape_str(t.shape), "."));
  const size_t n = static_cast<size_t>(t.shape[0]), k = static_cast<size_t>(t.shape[1]);
  const bool micro = o_.average && *o_.average == "micro";
  const size_t slots = micro ? 1 : k;
  if (tp_.empty()) {
    tp_.assign(slots, 0.0);
    fp_ = fn_ = weights_ = tp_;
  } else if (!micro && tp_.size() != k) {
    throw ValueError(cat(class_name(), ": expected ", tp_.size(), " classes (from the first batch), received shape ",
                         shape_str(p.shape)));
  }
  Array w{t.shape, std::vector<double>(t.size(), 1.0)};
  if (sample_weight.defined()) {
    Array sw = to_array(sample_weight);
    while (sw.rank() < 2) sw = expand_last(std::move(sw));
    w = broadcast_to(sw, t.shape, class_name() + " sample_weight");
  }
  for (size_t i = 0; i < n; ++i) {
    const double* row = p.v.data() + i * k;
    const double row_max = *std::max_element(row, row + k);
    for (size_t j = 0; j < k; ++j) {
      const size_t at = i * k + j, slot = micro ? 0 : j;
      const double pred = o_.threshold ? (static_cast<float>(row[j]) > static_cast<float>(*o_.threshold) ? 1.0 : 0.0)
                                       : (row[j] >= row_max && std::fabs(row[j]) > 1e-9 ? 1.0 : 0.0);
      const double yt = t.v[at], wt = w.v[at];
      tp_[slot] += pred * yt * wt;
      fp_[slot] += pred * (1 - yt) * wt;
      fn_[slot] += (1 - pred) * yt * wt;
      weights_[slot] += yt * wt;
    }
  }
}

std::vector<double> FBetaScore::scores() const {
  const double eps = losses::kEpsilon, b2 = o_.beta * o_.beta;
  std::vector<double> f(tp_.size());
  for (size_t j = 0; j < f.size(); ++j) {
    const double precision = tp_[j] / (tp_[j] + fp_[j] + eps), recall = tp_[j] / (tp_[j] + fn_[j] + eps);
    f[j] = precision * recall / (b2 * precision + recall + eps) * (1 + b2);
  }
  if (!o_.average) return f;
  double r = 0;
  if (*o_.average == "weighted") {
    double total = eps;
    for (double x : weights_) total += x;
    for (size_t j = 0; j < f.size(); ++j) r += f[j] * weights_[j] / total;
  } else {
    for (double x : f) r += x;
    r /= static_cast<double>(f.size());
  }
  return {r};
}

double FBetaScore::result() const {
  if (tp_.empty()) return 0.0;
  const auto s = scores();
  if (s.size() != 1)
    throw ValueError(cat(class_name(), " \"", name(), "\" with average=None has one score per class (", s.size(),
                         "): read result_tensor(), or pass average=\"macro\", \"micro\" or \"weighted\""));
  return s[0];
}

Tensor FBetaScore::result_tensor() const {
  if (!o_.average && !tp_.empty()) {
    const auto s = scores();
    return to_tensor(Array{{static_cast<int64_t>(s.size())}, s});
  }
  return Tensor::scalar(result());
}

void FBetaScore::reset_state() {
  for (auto* v : {&tp_, &fp_, &fn_, &weights_}) std::fill(v->begin(), v->end(), 0.0);
}

std::vector<double*> FBetaScore::variables() {
  std::vector<double*> out;
  for (auto* v : {&tp_, &fp_, &fn_, &weights_})
    for (double& x : *v) out.push_back(&x);
  return out;
}

ConfigMap FBetaScore::get_config() const {
  ConfigMap c = Metric::get_config();
  c.emplace_back("average", opt_value(o_.average));
  c.emplace_back("beta", o_.beta);
  c.emplace_back("threshold", opt_value(o_.threshold));
  return c;
}

F1Score::F1Score(F1ScoreOptions o)
    : FBetaScore(
          FBetaScoreOptions{
              .average = o.average, .beta = 1.0, .threshold = o.threshold, .name = o.name, .dtype = o.dtype},
          "F1Score") {}

ConfigMap F1Score::get_config() const {
  ConfigMap c = FBetaScore::get_config();
  std::erase_if(c, [](const auto& kv) { return kv.first == "beta"; });
  return c;
}

}  // namespace keras::metrics
