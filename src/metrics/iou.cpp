// keras/src/metrics/iou_metrics.py (and metrics_utils.confusion_matrix)
#include "keras/metrics/iou.h"

#include <algorithm>
#include <cmath>

#include "keras/errors.h"
#include "keras/losses/losses.h"
#include "metrics_utils.h"

namespace keras::metrics {

using keras::detail::cat;
using namespace detail;  // NOLINT(google-build-using-namespace): the private helpers

namespace {
bool is_int(const std::string& dtype) { return dtype.rfind("int", 0) == 0 || dtype.rfind("uint", 0) == 0; }

// ops.argmax over the last axis (the only `axis` supported).
Array argmax_last(const Array& a, int64_t axis, const char* cls) {
  if (a.rank() < 1 || (axis != -1 && axis != a.rank() - 1))
    throw ValueError(cat(cls, ": only the last axis is supported for one-hot inputs. Received: axis=", axis,
                         " for shape ", shape_str(a.shape)));
  const int64_t n = a.last();
  Array out{std::vector<int64_t>(a.shape.begin(), a.shape.end() - 1), {}};
  for (size_t r = 0; n > 0 && r < a.size() / static_cast<size_t>(n); ++r) {
    const double* row = a.v.data() + r * static_cast<size_t>(n);
    out.v.push_back(static_cast<double>(std::max_element(row, row + n) - row));
  }
  return out;
}
}  // namespace

IoU::IoU(int64_t num_classes, std::vector<int64_t> target_class_ids, IoUOptions o)
    : IoU("IoU", num_classes, std::move(target_class_ids), std::move(o)) {}

IoU::IoU(const std::string& class_name, int64_t num_classes, std::vector<int64_t> target_class_ids, IoUOptions o)
    : Metric(o.name.empty() ? auto_name(class_name) : o.name, class_name, o.dtype.empty() ? "int32" : o.dtype),
      num_classes_(num_classes),
      target_class_ids_(std::move(target_class_ids)),
      o_(std::move(o)) {
  if (num_classes < 1)
    throw ValueError(
        cat(class_name, ": `num_classes` must be a positive integer. Received: num_classes=", num_classes));
  if (target_class_ids_.empty()) throw ValueError(cat(class_name, ": `target_class_ids` must not be empty"));
  for (int64_t id : target_class_ids_)
    if (id < 0 || id >= num_classes)
      throw ValueError(cat(class_name, ": target class id ", id, " is out of range, which is [0, ", num_classes, ")."));
  cm_.assign(static_cast<size_t>(num_classes * num_classes), 0.0);
}

void IoU::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  add(y_true, y_pred, sample_weight);
}

void IoU::add(const Tensor& y_true_t, const Tensor& y_pred_t, const Tensor& sample_weight) {
  const std::string& cls = class_name();
  Array t = to_array(y_true_t), p = to_array(y_pred_t);
  if (!o_.sparse_y_true) t = argmax_last(t, o_.axis, cls.c_str());
  if (!o_.sparse_y_pred) p = argmax_last(p, o_.axis, cls.c_str());
  const bool ints = is_int(dtype());
  if (ints)  // converted to the metric's integer dtype, as Keras does
    for (Array* a : {&t, &p})
      for (double& x : a->v) x = std::trunc(x);
  if (t.size() != p.size())
    throw ValueError(cat(cls, ": y_true of shape ", shape_str(t.shape), " and y_pred of shape ", shape_str(p.shape),
                         " hold different numbers of class ids"));
  std::vector<double> w(t.size(), 1.0);
  if (sample_weight.defined()) {
    Array sw = to_array(sample_weight);
    if (sw.rank() > 1) sw.shape = {static_cast<int64_t>(sw.size())};
    w = broadcast_to(sw, {static_cast<int64_t>(t.size())}, cls + " sample_weight").v;
    if (ints)
      for (double& x : w) x = std::trunc(x);
  }
  const double n = static_cast<double>(num_classes_);
  for (size_t i = 0; i < t.size(); ++i) {
    const double a = t.v[i], b = p.v[i];
    if (!(a >= 0 && a < n && b >= 0 && b < n)) continue;
    if (o_.ignore_class && a == static_cast<double>(*o_.ignore_class)) continue;
    cm_[static_cast<size_t>(a) * static_cast<size_t>(num_classes_) + static_cast<size_t>(b)] += w[i];
  }
}

double IoU::result() const {
  const size_t n = static_cast<size_t>(num_classes_);
  double sum = 0, valid = 0;
  for (int64_t id : target_class_ids_) {
    const size_t c = static_cast<size_t>(id);
    double predicted = 0, actual = 0;
    for (size_t k = 0; k < n; ++k) {
      predicted += cm_[k * n + c];
      actual += cm_[c * n + k];
    }
    const double tp = cm_[c * n + c], denominator = predicted + actual - tp;
    if (denominator > 1e-9) {
      sum += tp / (denominator + losses::kEpsilon);
      valid += 1;
    }
  }
  return sum / (valid + losses::kEpsilon);
}

void IoU::reset_state() { std::fill(cm_.begin(), cm_.end(), 0.0); }

std::vector<double*> IoU::variables() {
  std::vector<double*> out;
  for (double& x : cm_) out.push_back(&x);
  return out;
}

ConfigMap IoU::get_config() const {
  ConfigMap c = Metric::get_config();
  c.emplace_back("num_classes", num_classes_);
  c.emplace_back("target_class_ids", target_class_ids_);
  c.emplace_back("ignore_class", opt_value(o_.ignore_class));
  c.emplace_back("sparse_y_true", o_.sparse_y_true);
  c.emplace_back("sparse_y_pred", o_.sparse_y_pred);
  c.emplace_back("axis", o_.axis);
  return c;
}

// ---- BinaryIoU

BinaryIoU::BinaryIoU(std::vector<int64_t> target_class_ids, double threshold, std::string name, std::string dtype)
    : IoU("BinaryIoU", 2, std::move(target_class_ids), IoUOptions{.name = std::move(name), .dtype = std::move(dtype)}),
      threshold_(threshold) {}

void BinaryIoU::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  Array p = to_array(y_pred);
  const float th = static_cast<float>(threshold_);
  for (double& x : p.v) x = static_cast<float>(x) >= th ? 1.0 : 0.0;
  add(y_true, to_tensor(p), sample_weight);
}

ConfigMap BinaryIoU::get_config() const {
  return {{"target_class_ids", target_class_ids_}, {"threshold", threshold_}, {"name", name()}, {"dtype", dtype()}};
}

// ---- MeanIoU and the one-hot variants

namespace {
std::vector<int64_t> all_classes(int64_t n) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < n; ++i) ids.push_back(i);
  return ids;
}
}  // namespace

MeanIoU::MeanIoU(int64_t num_classes, IoUOptions o) : MeanIoU("MeanIoU", num_classes, std::move(o)) {}

MeanIoU::MeanIoU(const std::string& class_name, int64_t num_classes, IoUOptions o)
    : IoU(class_name, num_classes, all_classes(num_classes), std::move(o)) {}

ConfigMap MeanIoU::get_config() const {
  return {{"num_classes", num_classes_},
          {"name", name()},
          {"dtype", dtype()},
          {"ignore_class", opt_value(o_.ignore_class)},
          {"sparse_y_true", o_.sparse_y_true},
          {"sparse_y_pred", o_.sparse_y_pred},
          {"axis", o_.axis}};
}

OneHotIoU::OneHotIoU(int64_t num_classes, std::vector<int64_t> target_class_ids, IoUOptions o)
    : IoU("OneHotIoU", num_classes, std::move(target_class_ids), [&] {
        o.sparse_y_true = false;
        return o;
      }()) {}

ConfigMap OneHotIoU::get_config() const {
  return {{"num_classes", num_classes_},
          {"target_class_ids", target_class_ids_},
          {"name", name()},
          {"dtype", dtype()},
          {"ignore_class", opt_value(o_.ignore_class)},
          {"sparse_y_pred", o_.sparse_y_pred},
          {"axis", o_.axis}};
}

OneHotMeanIoU::OneHotMeanIoU(int64_t num_classes, IoUOptions o)
    : MeanIoU("OneHotMeanIoU", num_classes, [&] {
        o.sparse_y_true = false;
        return o;
      }()) {}

ConfigMap OneHotMeanIoU::get_config() const {
  return {{"num_classes", num_classes_},
          {"name", name()},
          {"dtype", dtype()},
          {"ignore_class", opt_value(o_.ignore_class)},
          {"sparse_y_pred", o_.sparse_y_pred},
          {"axis", o_.axis}};
}

}  // namespace keras::metrics
