// keras/src/metrics/confusion_metrics.py, with the counting of
// keras/src/metrics/metrics_utils.py (update_confusion_matrix_variables).
#include "keras/metrics/confusion.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "keras/errors.h"
#include "keras/losses/losses.h"
#include "metrics_utils.h"

namespace keras::metrics {

using keras::detail::cat;
using namespace detail;  // NOLINT(google-build-using-namespace): the private helpers

namespace {

constexpr double kNegInf = -1e10;  // metrics_utils.NEG_INF

void check_thresholds(const std::string& cls, const std::vector<double>& t) {
  for (double x : t)
    if (!(x >= 0 && x <= 1)) throw ValueError(cat(cls, ": threshold values must be in [0, 1]. Received: ", x));
}

// metrics_utils.parse_init_thresholds
std::vector<double> parse_thresholds(const std::string& cls, const Thresholds& t, double default_threshold) {
  if (!t.given) return {default_threshold};
  if (t.values.empty()) throw ValueError(cat(cls, ": `thresholds` must not be an empty list"));
  check_thresholds(cls, t.values);
  return t.values;
}

// metrics_utils.is_evenly_distributed_thresholds (np.allclose with atol = epsilon)
bool evenly_distributed(const std::vector<double>& t) {
  const size_t n = t.size();
  if (n < 3) return false;
  for (size_t i = 0; i < n; ++i) {
    const double even = static_cast<double>(static_cast<float>(static_cast<double>(i) / static_cast<double>(n - 1)));
    if (std::fabs(t[i] - even) > losses::kEpsilon + 1e-5 * std::fabs(even)) return false;
  }
  return true;
}

struct Counts {
  std::vector<double>*tp = nullptr, *fp = nullptr, *tn = nullptr, *fn = nullptr;
};

// update_confusion_matrix_variables: adds this batch's weighted counts. Accumulators are
// laid out [threshold][label] (labels = columns of y_pred) when multi_label, else [threshold].
void update_confusion(const std::string& cls, Counts vars, const Tensor& y_true_t, const Tensor& y_pred_t,
                      const std::vector<double>& thresholds, bool evenly, const Tensor& sample_weight,
                      std::optional<int64_t> top_k = std::nullopt, std::optional<int64_t> class_id = std::nullopt,
                      bool multi_label = false, const std::optional<std::vector<double>>& label_weights = std::nullopt,
                      bool from_logits = false) {
  Array y_true = to_array(y_true_t), y_pred = to_array(y_pred_t);
  if (from_logits)
    for (double& p : y_pred.v) p = 1.0 / (1.0 + std::exp(-p));
  squeeze_or_expand_to_same_rank(y_pred, y_true);
  std::optional<Array> sw;
  if (sample_weight.defined()) {
    Array t = y_true;
    sw = expand_last(to_array(sample_weight));
    squeeze_or_expand_to_same_rank(t, *sw, /*expand_rank_1=*/false);
  }
  if (top_k) {  // _filter_top_k: all but the k largest of each row become NEG_INF
    const int64_t n = y_pred.last();
    for (size_t r = 0; n > 0 && r < y_pred.size() / static_cast<size_t>(n); ++r) {
      double* row = y_pred.v.data() + r * static_cast<size_t>(n);
      std::vector<int64_t> idx(static_cast<size_t>(n));
      std::iota(idx.begin(), idx.end(), 0);
      std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) { return row[a] > row[b]; });
      for (size_t j = static_cast<size_t>(std::min(*top_k, n)); j < idx.size(); ++j) row[idx[j]] = kNegInf;
    }
  }
  if (class_id) {
    if (y_pred.rank() < 2)
      throw ValueError(cat(cls,
                           ": when class_id is provided, y_pred must be a 2D array with shape (num_samples, "
                           "num_classes), found shape: ",
                           shape_str(y_pred.shape)));
    const int64_t n = y_pred.last();
    if (*class_id < 0 || *class_id >= n || y_true.last() != n)
      throw ValueError(cat(cls, ": class_id=", *class_id, " is out of range for y_true of shape ",
                           shape_str(y_true.shape), " and y_pred of shape ", shape_str(y_pred.shape)));
    auto column = [&](const Array& a) {
      Array out{a.shape, {}};
      out.shape.back() = 1;
      for (size_t r = 0; r < a.size() / static_cast<size_t>(n); ++r)
        out.v.push_back(a.v[r * static_cast<size_t>(n) + static_cast<size_t>(*class_id)]);
      return out;
    };
    y_true = column(y_true);
    y_pred = column(y_pred);
  }
  if (y_true.size() != y_pred.size())
    throw ValueError(cat(cls, ": y_true of shape ", shape_str(y_true.shape), " does not match y_pred of shape ",
                         shape_str(y_pred.shape)));
  int64_t labels = 1;
  if (multi_label) {
    if (y_pred.rank() != 2)
      throw ValueError(cat(cls, ": `y_pred` must have rank 2 when `multi_label=True`. Found rank ", y_pred.rank(),
                           ". Full shape received for `y_pred`: ", shape_str(y_pred.shape)));
    labels = y_pred.shape[1];
  }
  std::vector<double> w(y_pred.size(), 1.0);
  if (sw) w = broadcast_to(*sw, y_pred.shape, cls + " sample_weight").v;
  if (label_weights && !multi_label) {
    const Array lw = broadcast_to(Array{{static_cast<int64_t>(label_weights->size())}, *label_weights}, y_pred.shape,
                                  cls + " label_weights");
    for (size_t i = 0; i < w.size(); ++i) w[i] *= lw.v[i];
  }
  const size_t T = thresholds.size(), L = static_cast<size_t>(labels);
  auto add = [](std::vector<double>* v, size_t i, double x) {
    if (v) (*v)[i] += x;
  };
  if (evenly) {  // _update_confusion_matrix_variables_optimized: buckets, then cumulative sums
    const bool with_epsilon = thresholds.front() < 0.0 || thresholds.back() > 1.0;
    std::vector<double> tp_b(T * L, 0.0), fp_b(T * L, 0.0), total_true(L, 0.0), total_false(L, 0.0);
    const float steps = static_cast<float>(T - 1);
    for (size_t i = 0; i < y_pred.size(); ++i) {
      const size_t label = multi_label ? i % L : 0;
      const bool pos = y_true.v[i] != 0;
      const double tw = pos ? w[i] : 0.0, fw = pos ? 0.0 : w[i];
      total_true[label] += tw;
      total_false[label] += fw;
      const float p = std::clamp(static_cast<float>(y_pred.v[i]), 0.0f, 1.0f);
      if (std::isnan(p)) continue;
      float b = std::ceil(p * steps) - 1.0f;  // float32, as Keras computes it
      if (with_epsilon) b = std::max(b, 0.0f);
      if (b < 0 || b >= static_cast<float>(T)) continue;  // segment_sum drops negative ids
      tp_b[static_cast<size_t>(b) * L + label] += tw;
      fp_b[static_cast<size_t>(b) * L + label] += fw;
    }
    for (size_t l = 0; l < L; ++l) {
      double tp = 0, fp = 0;
      for (size_t t = T; t-- > 0;) {
        tp += tp_b[t * L + l];
        fp += fp_b[t * L + l];
        add(vars.tp, t * L + l, tp);
        add(vars.fp, t * L + l, fp);
        add(vars.tn, t * L + l, total_false[l] - fp);
        add(vars.fn, t * L + l, total_true[l] - tp);
      }
    }
    return;
  }
  for (size_t t = 0; t < T; ++t) {
    const float th = static_cast<float>(thresholds[t]);
    for (size_t i = 0; i < y_pred.size(); ++i) {
      const size_t at = t * L + (multi_label ? i % L : 0);
      const bool pred_pos = static_cast<float>(y_pred.v[i]) > th, label_pos = y_true.v[i] != 0;
      if (label_pos && pred_pos) add(vars.tp, at, w[i]);
      if (!label_pos && pred_pos) add(vars.fp, at, w[i]);
      if (!label_pos && !pred_pos) add(vars.tn, at, w[i]);
      if (label_pos && !pred_pos) add(vars.fn, at, w[i]);
    }
  }
}

double divide_no_nan(double a, double b) { return b != 0 ? a / b : 0.0; }

std::vector<double*> pointers(std::initializer_list<std::vector<double>*> vs) {
  std::vector<double*> out;
  for (auto* v : vs)
    for (double& x : *v) out.push_back(&x);
  return out;
}

ConfigValue thresholds_value(const Thresholds& t) {
  if (!t.given) return nullptr;
  if (!t.list) return t.values.front();
  return t.values;
}

double single(const std::string& cls, const std::string& name, const std::vector<double>& r) {
  if (r.size() != 1)
    throw ValueError(cat(cls, " \"", name, "\" has ", r.size(),
                         " thresholds, so one result per threshold: read "
                         "result_tensor()"));
  return r[0];
}

Tensor vector_tensor(const std::vector<double>& r) {
  if (r.size() == 1) return Tensor::scalar(r[0]);
  return to_tensor(Array{{static_cast<int64_t>(r.size())}, r});
}

}  // namespace

// ---- TruePositives and friends

ConfusionMatrixConditionCount::ConfusionMatrixConditionCount(char cond, const std::string& class_name,
                                                             ConfusionCountOptions o)
    : Metric(o.name.empty() ? auto_name(class_name) : o.name, class_name, o.dtype),
      cond_(cond),
      init_(o.thresholds),
      thresholds_(parse_thresholds(class_name, o.thresholds, 0.5)),
      acc_(thresholds_.size(), 0.0),
      evenly_(evenly_distributed(thresholds_)) {}

void ConfusionMatrixConditionCount::update_state(const Tensor& y_true, const Tensor& y_pred,
                                                 const Tensor& sample_weight) {
  Counts c;
  (cond_ == 't' ? c.tp : cond_ == 'f' ? c.fp : cond_ == 'n' ? c.tn : c.fn) = &acc_;
  update_confusion(class_name(), c, y_true, y_pred, thresholds_, evenly_, sample_weight);
}

double ConfusionMatrixConditionCount::result() const { return single(class_name(), name(), acc_); }
Tensor ConfusionMatrixConditionCount::result_tensor() const { return vector_tensor(acc_); }
void ConfusionMatrixConditionCount::reset_state() { std::fill(acc_.begin(), acc_.end(), 0.0); }
std::vector<double*> ConfusionMatrixConditionCount::variables() { return pointers({&acc_}); }

ConfigMap ConfusionMatrixConditionCount::get_config() const {
  ConfigMap c = Metric::get_config();
  c.emplace_back("thresholds", thresholds_value(init_));
  return c;
}

TruePositives::TruePositives(ConfusionCountOptions o) : ConfusionMatrixConditionCount('t', "TruePositives", o) {}
FalsePositives::FalsePositives(ConfusionCountOptions o) : ConfusionMatrixConditionCount('f', "FalsePositives", o) {}
TrueNegatives::TrueNegatives(ConfusionCountOptions o) : ConfusionMatrixConditionCount('n', "TrueNegatives", o) {}
FalseNegatives::FalseNegatives(ConfusionCountOptions o) : ConfusionMatrixConditionCount('m', "FalseNegatives", o) {}

// ---- Precision / Recall

Precision::Precision(PrecisionOptions o) : Precision(std::move(o), "Precision") {}

Precision::Precision(PrecisionOptions o, const std::string& class_name)
    : Metric(o.name.empty() ? auto_name(class_name) : o.name, class_name, o.dtype),
      o_(o),
      thresholds_(parse_thresholds(class_name, o.thresholds, o.top_k ? kNegInf : 0.5)),
      tp_(thresholds_.size(), 0.0),
      other_(thresholds_.size(), 0.0),
      evenly_(evenly_distributed(thresholds_)) {
  if (o.top_k && *o.top_k < 1)
    throw ValueError(cat(class_name, ": `top_k` must be a positive integer. Received: top_k=", *o.top_k));
}

void Precision::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  update_confusion(class_name(), Counts{&tp_, &other_, nullptr, nullptr}, y_true, y_pred, thresholds_, evenly_,
                   sample_weight, o_.top_k, o_.class_id);
}

Tensor Precision::result_tensor() const {
  std::vector<double> r(tp_.size());
  for (size_t i = 0; i < r.size(); ++i) r[i] = divide_no_nan(tp_[i], tp_[i] + other_[i]);
  return vector_tensor(r);
}

double Precision::result() const {
  std::vector<double> r(tp_.size());
  for (size_t i = 0; i < r.size(); ++i) r[i] = divide_no_nan(tp_[i], tp_[i] + other_[i]);
  return single(class_name(), name(), r);
}

void Precision::reset_state() {
  std::fill(tp_.begin(), tp_.end(), 0.0);
  std::fill(other_.begin(), other_.end(), 0.0);
}

std::vector<double*> Precision::variables() { return pointers({&tp_, &other_}); }

ConfigMap Precision::get_config() const {
  ConfigMap c = Metric::get_config();
  c.emplace_back("thresholds", thresholds_value(o_.thresholds));
  c.emplace_back("top_k", opt_value(o_.top_k));
  c.emplace_back("class_id", opt_value(o_.class_id));
  return c;
}

Recall::Recall(RecallOptions o) : Precision(std::move(o), "Recall") {}

void Recall::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  update_confusion(class_name(), Counts{&tp_, nullptr, nullptr, &other_}, y_true, y_pred, thresholds_, evenly_,
                   sample_weight, o_.top_k, o_.class_id);
}

// ---- the "X at Y" family

SensitivitySpecificityBase::SensitivitySpecificityBase(const std::string& class_name, const char* value_key,
                                                       double value, SensitivitySpecificityOptions o)
    : Metric(o.name.empty() ? auto_name(class_name) : o.name, class_name, o.dtype),
      value_key_(value_key),
      value_(value),
      o_(o) {
  if (!(value >= 0 && value <= 1))
    throw ValueError(
        cat(class_name, ": argument `", value_key, "` must be in the range [0, 1]. Received: ", value_key, "=", value));
  if (o.num_thresholds <= 0)
    throw ValueError(cat(
        class_name, ": argument `num_thresholds` must be an integer > 0. Received: num_thresholds=", o.num_thresholds));
  if (o.num_thresholds == 1) {
    thresholds_ = {0.5};
    evenly_ = false;
  } else {
    thresholds_.push_back(0.0);
    for (int64_t i = 0; i < o.num_thresholds - 2; ++i)
      thresholds_.push_back(static_cast<double>(i + 1) / static_cast<double>(o.num_thresholds - 1));
    thresholds_.push_back(1.0);
    evenly_ = true;
  }
  tp_.assign(thresholds_.size(), 0.0);
  fp_ = tn_ = fn_ = tp_;
}

void SensitivitySpecificityBase::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  update_confusion(class_name(), Counts{&tp_, &fp_, &tn_, &fn_}, y_true, y_pred, thresholds_, evenly_, sample_weight,
                   std::nullopt, o_.class_id);
}

double SensitivitySpecificityBase::result() const {
  // _find_max_under_constraint: max(where(constrained >= value, dependent, 0), initial=0)
  double best = 0;
  for (size_t i = 0; i < tp_.size(); ++i) {
    const double recall = divide_no_nan(tp_[i], tp_[i] + fn_[i]);  // = sensitivity
    const double specificity = divide_no_nan(tn_[i], tn_[i] + fp_[i]);
    const double precision = divide_no_nan(tp_[i], tp_[i] + fp_[i]);
    double constrained = 0, dependent = 0;
    const std::string& c = class_name();
    if (c == "SensitivityAtSpecificity") constrained = specificity, dependent = recall;
    else if (c == "SpecificityAtSensitivity") constrained = recall, dependent = specificity;
    else if (c == "PrecisionAtRecall") constrained = recall, dependent = precision;
    else constrained = precision, dependent = recall;  // RecallAtPrecision
    if (static_cast<float>(constrained) >= static_cast<float>(value_)) best = std::max(best, dependent);
  }
  return best;
}

void SensitivitySpecificityBase::reset_state() {
  for (auto* v : {&tp_, &fp_, &tn_, &fn_}) std::fill(v->begin(), v->end(), 0.0);
}

std::vector<double*> SensitivitySpecificityBase::variables() { return pointers({&tp_, &fp_, &tn_, &fn_}); }

ConfigMap SensitivitySpecificityBase::get_config() const {
  ConfigMap c = Metric::get_config();
  c.emplace_back("class_id", opt_value(o_.class_id));
  c.emplace_back("num_thresholds", o_.num_thresholds);
  c.emplace_back(value_key_, value_);
  return c;
}

SensitivityAtSpecificity::SensitivityAtSpecificity(double specificity, SensitivitySpecificityOptions o)
    : SensitivitySpecificityBase("SensitivityAtSpecificity", "specificity", specificity, std::move(o)) {}
SpecificityAtSensitivity::SpecificityAtSensitivity(double sensitivity, SensitivitySpecificityOptions o)
    : SensitivitySpecificityBase("SpecificityAtSensitivity", "sensitivity", sensitivity, std::move(o)) {}
PrecisionAtRecall::PrecisionAtRecall(double recall, SensitivitySpecificityOptions o)
    : SensitivitySpecificityBase("PrecisionAtRecall", "recall", recall, std::move(o)) {}
RecallAtPrecision::RecallAtPrecision(double precision, SensitivitySpecificityOptions o)
    : SensitivitySpecificityBase("RecallAtPrecision", "precision", precision, std::move(o)) {}

// ---- AUC

AUC::AUC(AUCOptions o) : Metric(o.name.empty() ? auto_name("AUC") : o.name, "AUC", o.dtype), o_(std::move(o)) {
  if (o_.curve == "roc") o_.curve = "ROC";
  if (o_.curve == "pr") o_.curve = "PR";
  if (o_.curve == "prgain") o_.curve = "PRGAIN";
  if (o_.curve != "ROC" && o_.curve != "PR" && o_.curve != "PRGAIN")
    throw ValueError(cat("AUC: invalid AUC curve value: \"", o_.curve,
                         "\". Expected values are [\"PR\", \"ROC\", "
                         "\"PRGAIN\"]"));
  std::string& s = o_.summation_method;
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  if (s != "interpolation" && s != "majoring" && s != "minoring")
    throw ValueError(cat("AUC: invalid AUC summation method value: \"", o_.summation_method,
                         "\". Expected values are [\"interpolation\", \"majoring\", \"minoring\"]"));
  std::vector<double> inner;
  if (o_.thresholds) {
    inner = *o_.thresholds;
    std::sort(inner.begin(), inner.end());
    check_thresholds("AUC", inner);
    o_.num_thresholds = static_cast<int64_t>(inner.size()) + 2;
    std::vector<double> all{0.0};
    all.insert(all.end(), inner.begin(), inner.end());
    all.push_back(1.0);
    evenly_ = evenly_distributed(all);
  } else {
    if (o_.num_thresholds <= 1)
      throw ValueError(
          cat("AUC: argument `num_thresholds` must be an integer > 1. Received: num_thresholds=", o_.num_thresholds));
    for (int64_t i = 0; i < o_.num_thresholds - 2; ++i)
      inner.push_back(static_cast<double>(i + 1) / static_cast<double>(o_.num_thresholds - 1));
    evenly_ = true;
  }
  thresholds_.push_back(0.0 - losses::kEpsilon);
  thresholds_.insert(thresholds_.end(), inner.begin(), inner.end());
  thresholds_.push_back(1.0 + losses::kEpsilon);
  if (o_.multi_label) {
    if (o_.num_labels) build(*o_.num_labels);
  } else {
    if (o_.num_labels) throw ValueError("AUC: `num_labels` is needed only when `multi_label` is True.");
    build(1);
  }
}

void AUC::build(int64_t num_labels) {
  if (num_labels < 1) throw ValueError(cat("AUC: `num_labels` must be positive. Received: num_labels=", num_labels));
  labels_ = num_labels;
  tp_.assign(thresholds_.size() * static_cast<size_t>(num_labels), 0.0);
  fp_ = tn_ = fn_ = tp_;
  built_ = true;
}

void AUC::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  if (!built_) {
    if (y_pred.rank() != 2)
      throw ValueError(cat("AUC: `y_pred` must have rank 2 when `multi_label=True`. Found rank ", y_pred.rank(),
                           ". Full shape received for `y_pred`: ", y_pred.shape().to_string()));
    build(y_pred.dim(1));
  }
  if (o_.multi_label && y_pred.rank() == 2 && y_pred.dim(1) != labels_)
    throw ValueError(
        cat("AUC: expected y_pred with ", labels_, " labels, received shape ", y_pred.shape().to_string()));
  update_confusion("AUC", Counts{&tp_, &fp_, &tn_, &fn_}, y_true, y_pred, thresholds_, evenly_, sample_weight,
                   std::nullopt, std::nullopt, o_.multi_label, o_.multi_label ? std::nullopt : o_.label_weights,
                   o_.from_logits);
}

double AUC::combine(const std::vector<double>& by_label) const {
  if (!o_.multi_label) return by_label[0];
  if (!o_.label_weights) return std::accumulate(by_label.begin(), by_label.end(), 0.0) / static_cast<double>(labels_);
  double num = 0, den = 0;
  for (size_t l = 0; l < by_label.size(); ++l) {
    const double w = l < o_.label_weights->size() ? (*o_.label_weights)[l] : 0.0;
    num += by_label[l] * w;
    den += w;
  }
  return divide_no_nan(num, den);
}

double AUC::interpolate_pr_auc() const {
  const size_t T = thresholds_.size(), L = static_cast<size_t>(labels_);
  std::vector<double> by_label(L, 0.0);
  for (size_t l = 0; l < L; ++l)
    for (size_t i = 0; i + 1 < T; ++i) {
      const size_t a = i * L + l, b = (i + 1) * L + l;
      const double dtp = tp_[a] - tp_[b];
      const double pa = tp_[a] + fp_[a], pb = tp_[b] + fp_[b];
      const double dp = pa - pb;
      const double prec_slope = divide_no_nan(dtp, std::max(dp, 0.0));
      const double intercept = tp_[b] - prec_slope * pb;
      const double safe_p_ratio = pa > 0 && pb > 0 ? divide_no_nan(pa, std::max(pb, 0.0)) : 1.0;
      by_label[l] +=
          divide_no_nan(prec_slope * (dtp + intercept * std::log(safe_p_ratio)), std::max(tp_[b] + fn_[b], 0.0));
    }
  return combine(by_label);
}

double AUC::result() const {
  if (!built_) return 0.0;
  if (o_.curve == "PR" && o_.summation_method == "interpolation") return interpolate_pr_auc();
  const size_t T = thresholds_.size(), L = static_cast<size_t>(labels_);
  std::vector<double> x(T * L), y(T * L);
  for (size_t i = 0; i < T * L; ++i) {
    const double recall = divide_no_nan(tp_[i], tp_[i] + fn_[i]);
    if (o_.curve == "ROC") {
      x[i] = divide_no_nan(fp_[i], fp_[i] + tn_[i]);
      y[i] = recall;
    } else if (o_.curve == "PR") {
      x[i] = recall;
      y[i] = divide_no_nan(tp_[i], tp_[i] + fp_[i]);
    } else {  // PRGAIN
      const double scale = divide_no_nan(tp_[i] + fn_[i], tn_[i] + fp_[i]);
      const double recall_gain = tp_[i] == 0 ? 0.0 : 1.0 - scale * divide_no_nan(fn_[i], tp_[i]);
      const double precision_gain = tp_[i] == 0 ? 1.0 : 1.0 - scale * divide_no_nan(fp_[i], tp_[i]);
      x[i] = std::max(recall_gain, 0.0);
      y[i] = precision_gain;
    }
  }
  std::vector<double> by_label(L, 0.0);
  for (size_t l = 0; l < L; ++l)
    for (size_t i = 0; i + 1 < T; ++i) {
      const size_t a = i * L + l, b = (i + 1) * L + l;
      double h;
      if (o_.summation_method == "interpolation") h = (y[a] + y[b]) / 2.0;
      else if (o_.summation_method == "minoring") h = std::min(y[a], y[b]);
      else h = std::max(y[a], y[b]);
      by_label[l] += (x[a] - x[b]) * h;
    }
  return combine(by_label);
}

void AUC::reset_state() {
  for (auto* v : {&tp_, &fp_, &tn_, &fn_}) std::fill(v->begin(), v->end(), 0.0);
}

std::vector<double*> AUC::variables() { return pointers({&tp_, &fp_, &tn_, &fn_}); }

ConfigMap AUC::get_config() const {
  ConfigMap c = Metric::get_config();
  c.emplace_back("num_thresholds", o_.num_thresholds);
  c.emplace_back("curve", o_.curve);
  c.emplace_back("summation_method", o_.summation_method);
  c.emplace_back("multi_label", o_.multi_label);
  c.emplace_back("num_labels", opt_value(o_.num_labels));
  c.emplace_back("label_weights", o_.label_weights ? ConfigValue(*o_.label_weights) : ConfigValue(nullptr));
  c.emplace_back("from_logits", o_.from_logits);
  if (o_.thresholds) c.emplace_back("thresholds", std::vector<double>(thresholds_.begin() + 1, thresholds_.end() - 1));
  return c;
}

}  // namespace keras::metrics
