// keras/src/metrics/reduction_metrics.py (Mean, Sum, MeanMetricWrapper) and tf.keras's
// MeanTensor (keras/metrics/base_metric.py in Keras 2).
#include "keras/metrics/reduction_metrics.h"

#include "keras/autograd/gradient_tape.h"
#include "keras/errors.h"
#include "metrics_utils.h"

namespace keras::metrics {

using keras::detail::cat;
using namespace detail;  // NOLINT(google-build-using-namespace): the private helpers

namespace {
std::optional<Array> weights_of(const Tensor& sample_weight) {
  if (!sample_weight.defined()) return std::nullopt;
  return to_array(sample_weight);
}
}  // namespace

// ---- Mean / Sum

void Mean::update_state(const Tensor&, const Tensor& y_pred, const Tensor& sample_weight) {
  update_values(y_pred, sample_weight);
}

void Mean::update_values(const Tensor& values, const Tensor& sample_weight) {
  const auto [total, count] = samplewise_totals(to_array(values), weights_of(sample_weight), /*mean=*/true);
  total_ += total;
  count_ += count;
}

void Mean::update(double value, double count) {
  total_ += value * count;
  count_ += count;
}

void Sum::update_state(const Tensor&, const Tensor& y_pred, const Tensor& sample_weight) {
  update_values(y_pred, sample_weight);
}

void Sum::update_values(const Tensor& values, const Tensor& sample_weight) {
  total_ += samplewise_totals(to_array(values), weights_of(sample_weight), /*mean=*/false).first;
}

// ---- MeanTensor

MeanTensor::MeanTensor(std::string name, std::string dtype, std::optional<std::vector<int64_t>> shape)
    : Metric(std::move(name), "MeanTensor", std::move(dtype)), shape_(std::move(shape)) {
  if (shape_) {
    size_t n = 1;
    for (int64_t d : *shape_) {
      if (d < 0)
        throw ValueError(
            cat("MeanTensor: `shape` must have no negative dimensions. Received: shape=", shape_str(*shape_)));
      n *= static_cast<size_t>(d);
    }
    total_.assign(n, 0.0);
    count_.assign(n, 0.0);
  }
}

void MeanTensor::update_state(const Tensor&, const Tensor& y_pred, const Tensor& sample_weight) {
  update_values(y_pred, sample_weight);
}

void MeanTensor::update_values(const Tensor& values_in, const Tensor& sample_weight) {
  Array values = to_array(values_in);
  if (!shape_) {
    shape_ = values.shape;
    total_.assign(values.size(), 0.0);
    count_.assign(values.size(), 0.0);
  } else if (values.shape != *shape_) {
    throw ValueError(
        cat("MeanTensor input values must always have the same shape. Expected shape (set during the "
            "first call): ",
            shape_str(*shape_), ". Got: ", shape_str(values.shape), "."));
  }
  Array counts{values.shape, std::vector<double>(values.size(), 1.0)};
  if (sample_weight.defined()) {
    Array w = to_array(sample_weight);
    squeeze_or_expand_to_same_rank(values, w);
    w = broadcast_to(w, *shape_, "MeanTensor sample_weight");
    values.shape = *shape_;
    for (size_t i = 0; i < values.size(); ++i) {
      values.v[i] *= w.v[i];
      counts.v[i] = w.v[i];
    }
  }
  for (size_t i = 0; i < total_.size(); ++i) {
    total_[i] += values.v[i];
    count_[i] += counts.v[i];
  }
}

Tensor MeanTensor::result_tensor() const {
  if (!shape_)
    throw ValueError(
        "MeanTensor does not have any value yet. Please call the MeanTensor instance or use "
        "`.update_state(value)` before retrieving the result.");
  Array out{*shape_, std::vector<double>(total_.size())};
  for (size_t i = 0; i < total_.size(); ++i) out.v[i] = count_[i] != 0 ? total_[i] / count_[i] : 0.0;
  return to_tensor(out);
}

double MeanTensor::result() const {
  const Tensor t = result_tensor();
  if (t.size() != 1)
    throw ValueError(cat("MeanTensor \"", name(), "\" has a result of shape ", shape_str(*shape_),
                         ", not a scalar: read result_tensor()"));
  return t.item<double>();
}

void MeanTensor::reset_state() {
  std::fill(total_.begin(), total_.end(), 0.0);
  std::fill(count_.begin(), count_.end(), 0.0);
}

std::vector<double*> MeanTensor::variables() {
  std::vector<double*> out;
  for (double& x : total_) out.push_back(&x);
  for (double& x : count_) out.push_back(&x);
  return out;
}

ConfigMap MeanTensor::get_config() const {
  ConfigMap c = Metric::get_config();
  c.emplace_back("shape", shape_ ? ConfigValue(*shape_) : ConfigValue(nullptr));
  return c;
}

// ---- MeanMetricWrapper

void MeanMetricWrapper::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  autograd::NoGradGuard no_grad;
  const Array values = to_array(fn_(y_true, y_pred));
  // Keras 3: y_pred's mask weighs the values, with or without sample weights.
  std::optional<Array> weights = apply_mask(y_pred.keras_mask(), weights_of(sample_weight));
  const auto [total, count] = samplewise_totals(values, weights, /*mean=*/true);
  total_ += total;
  count_ += count;
}

ConfigMap MeanMetricWrapper::get_config() const {
  ConfigMap c = Metric::get_config();
  if (class_name() == "MeanMetricWrapper" && !fn_name_.empty()) c.emplace_back("fn", fn_name_);
  for (const auto& kv : extra_config_) c.push_back(kv);
  return c;
}

}  // namespace keras::metrics
