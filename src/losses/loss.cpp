// The Loss base and its reduction, following keras/src/losses/loss.py (Loss.__call__,
// squeeze_or_expand_to_same_rank, reduce_weighted_values, apply_mask, reduce_values).
#include "keras/losses/loss.h"

#include <cmath>
#include <tuple>

#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "losses/loss_utils.h"

namespace keras::losses {

using detail::as_float;
using detail::cat;

namespace {

bool is_reduction(const Reduction& r) {
  if (!r) return true;
  for (const char* k : {"sum_over_batch_size", "sum", "none", "mean", "mean_with_sample_weight"})
    if (*r == k) return true;
  return false;
}

/// Keras's divide_no_nan: 0 where the divisor is 0.
Tensor divide_no_nan(const Tensor& x, const Tensor& d) {
  const Tensor nonzero = as_float(ops::not_equal(d, detail::scalar(0.0, d)));
  const Tensor safe = ops::add(d, ops::subtract(detail::scalar(1.0, d), nonzero));
  return ops::multiply(ops::divide(x, safe), nonzero);
}

/// Keras's apply_mask: the mask as weights merged into sample_weight. For the mean
/// reductions valid entries weigh total / valid, so the mean is over the valid ones.
Tensor apply_mask(Tensor sample_weight, const Tensor& mask, const Reduction& reduction) {
  if (!mask.defined()) return sample_weight;
  Tensor m = as_float(ops::not_equal(as_float(mask), detail::scalar(0.0, mask)));
  if (reduction && (*reduction == "mean" || *reduction == "sum_over_batch_size")) {
    double valid = 0;
    for (float v : m.to_vector<float>()) valid += v;
    const double total = static_cast<double>(m.size());
    m = ops::multiply(m, detail::scalar(valid == 0 ? 0.0 : total / valid, m));
  }
  if (!sample_weight.defined()) return m;
  auto [fm, sw] = squeeze_or_expand_to_same_rank(m, as_float(sample_weight));
  return ops::multiply(sw, fm);
}

Tensor reduce_values(const Tensor& values, const Tensor& sample_weight, const Reduction& reduction) {
  if (!reduction || *reduction == "none" || values.rank() == 0 || (values.rank() == 1 && values.dim(0) == 0))
    return values;
  Tensor loss = ops::sum(values);
  if (*reduction == "sum") return loss;
  if (*reduction == "mean_with_sample_weight" && sample_weight.defined())
    return divide_no_nan(loss, ops::sum(sample_weight));
  const int64_t n = values.size();
  return ops::multiply(loss, detail::scalar(n == 0 ? 0.0 : 1.0 / static_cast<double>(n), loss));
}

}  // namespace

std::pair<Tensor, Tensor> squeeze_or_expand_to_same_rank(const Tensor& x1_in, const Tensor& x2_in, bool expand_rank_1) {
  Tensor x1 = x1_in, x2 = x2_in;
  const int64_t r1 = x1.rank(), r2 = x2.rank();
  if (r1 == r2) return {x1, x2};
  if (r1 == r2 + 1 && x1.dim(-1) == 1) {
    if (r2 == 1 && expand_rank_1) x2 = ops::expand_dims(x2, -1);
    else x1 = ops::squeeze(x1, -1);
  }
  if (r2 == r1 + 1 && x2.dim(-1) == 1) {
    if (r1 == 1 && expand_rank_1) x1 = ops::expand_dims(x1, -1);
    else x2 = ops::squeeze(x2, -1);
  }
  return {x1, x2};
}

Tensor reduce_weighted_values(const Tensor& values_in, const Tensor& sample_weight_in, const Tensor& mask,
                              const Reduction& reduction) {
  if (!is_reduction(reduction))
    throw ValueError(
        cat("Invalid value for argument `reduction`. Expected one of 'sum_over_batch_size', 'sum', "
            "'mean', 'mean_with_sample_weight', 'none' or None. Received: reduction=",
            *reduction));
  Tensor values = as_float(values_in);
  Tensor sample_weight =
      apply_mask(sample_weight_in.defined() ? as_float(sample_weight_in) : Tensor(), mask, reduction);
  if (sample_weight.defined()) {
    std::tie(values, sample_weight) = squeeze_or_expand_to_same_rank(values, sample_weight);
    try {
      ops::broadcast_shapes(values.shape(), sample_weight.shape());
    } catch (const ValueError&) {
      throw ValueError(
          cat("The sample weights of shape ",
              sample_weight_in.defined() ? sample_weight_in.shape().to_string() : sample_weight.shape().to_string(),
              mask.defined() ? cat(" (with a mask of shape ", mask.shape().to_string(), ")") : "",
              " cannot weigh per-sample losses of shape ", values.shape().to_string()));
    }
    values = ops::multiply(values, sample_weight);
  }
  return reduce_values(values, sample_weight, reduction);
}

Tensor mask_weights(const Tensor& mask, const Tensor& values) {
  Tensor m = ops::cast(mask, values.dtype());
  if (m.rank() == values.rank() + 1 && m.dim(-1) == 1) m = ops::squeeze(m, -1);
  else if (values.rank() == m.rank() + 1 && values.dim(-1) == 1) m = ops::expand_dims(m, -1);
  if (m.shape() != values.shape())
    throw ValueError(cat("The mask of shape ", mask.shape().to_string(), " does not fit per-sample values of shape ",
                         values.shape().to_string()));
  return m;
}

// ---- Loss

Loss::Loss(std::string name, Fn fn, Reduction reduction)
    : name_(std::move(name)), reduction_(std::move(reduction)), fn_(std::move(fn)) {
  if (!is_reduction(reduction_))
    throw ValueError(cat("Invalid value for argument `reduction` of loss \"", name_,
                         "\". Expected one of 'sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', ",
                         "'none' or None. Received: reduction=", *reduction_));
  if (!fn_) throw ValueError(cat("Loss \"", name_, "\": the loss function is empty"));
}

void Loss::set_config(std::string class_name, ConfigMap config) {
  class_name_ = std::move(class_name);
  config_ = {{"name", name_}, {"reduction", detail::reduction_value(reduction_)}};
  for (auto& kv : config) config_.push_back(std::move(kv));
}

Tensor Loss::call(const Tensor& y_true, const Tensor& y_pred) const {
  if (!y_true.defined() || !y_pred.defined())
    throw ValueError(cat("Loss \"", name_, "\": y_true and y_pred must both be given"));
  auto [t, p] = squeeze_or_expand_to_same_rank(y_true, y_pred);
  return fn_(t, p);
}

Tensor Loss::operator()(const Tensor& y_true, const Tensor& y_pred) const { return (*this)(y_true, y_pred, Tensor()); }

Tensor Loss::operator()(const Tensor& y_true, const Tensor& y_pred_in, const Tensor& sample_weight) const {
  const Tensor in_mask = y_pred_in.defined() ? y_pred_in.keras_mask() : Tensor();
  // Keras computes losses in float32 (the loss's dtype): predictions of a mixed
  // precision model arrive in 16 bits.
  const bool narrow =
      y_pred_in.defined() && (y_pred_in.dtype() == DType::bfloat16 || y_pred_in.dtype() == DType::float16);
  Tensor y_pred = narrow ? ops::cast(y_pred_in, DType::float32) : y_pred_in;
  if (narrow && in_mask.defined()) y_pred.set_keras_mask(in_mask);
  const Tensor values = call(y_true, y_pred);
  const Tensor out_mask = values.keras_mask();
  Tensor mask = in_mask.defined() ? in_mask : out_mask;
  if (in_mask.defined() && out_mask.defined()) mask = ops::multiply(as_float(in_mask), as_float(out_mask));
  try {
    return reduce_weighted_values(values, sample_weight, mask, reduction_);
  } catch (const ValueError& e) {
    throw ValueError(cat("Loss \"", name_, "\": ", e.what()));
  }
}

// ---- helpers of the loss sources

namespace detail {

Tensor as_float(const Tensor& t) { return t.dtype() == DType::float32 ? t : ops::cast(t, DType::float32); }

void check_same_shape(const Tensor& y_true, const Tensor& y_pred, const char* loss) {
  if (y_true.shape() != y_pred.shape())
    throw ValueError(cat(loss, ": y_true and y_pred must have the same shape. Received: y_true.shape=",
                         y_true.shape().to_string(), ", y_pred.shape=", y_pred.shape().to_string()));
}

int64_t canonical_axis(int64_t axis, int64_t rank, const char* loss) {
  if (axis < -rank || axis >= rank)
    throw ValueError(cat(loss, ": axis ", axis, " is out of range for y_pred of rank ", rank));
  return axis < 0 ? axis + rank : axis;
}

std::pair<Tensor, Tensor> float_pair(const Tensor& y_true, const Tensor& y_pred) {
  return squeeze_or_expand_to_same_rank(as_float(y_true), as_float(y_pred));
}

std::vector<int64_t> host_labels(const Tensor& labels, const char* loss) {
  if (labels.dtype() == DType::int64) return labels.to_vector<int64_t>();
  const auto v = labels.to_vector<double>();
  std::vector<int64_t> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]) || std::abs(v[i]) > 9e15)
      throw ValueError(cat(loss, ": labels must be integers. Received: ", v[i]));
    out[i] = static_cast<int64_t>(v[i]);  // truncates, as Keras's cast to int does
  }
  return out;
}

const ConfigValue* ConfigReader::get(const char* key) {
  read_.insert(key);
  const ConfigValue* v = config_find(config_, key);
  return v && !std::holds_alternative<std::nullptr_t>(*v) ? v : nullptr;
}

bool ConfigReader::flag(const char* key, bool fallback) {
  const ConfigValue* v = get(key);
  if (!v) return fallback;
  if (const auto* b = std::get_if<bool>(v)) return *b;
  throw ValueError(cat(owner_, ".from_config: `", key, "` must be true or false"));
}

double ConfigReader::number(const char* key, double fallback) {
  const ConfigValue* v = get(key);
  if (!v) return fallback;
  if (const auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(v)) return *d;
  throw ValueError(cat(owner_, ".from_config: `", key, "` must be a number"));
}

std::optional<int64_t> ConfigReader::optional_integer(const char* key) {
  const ConfigValue* v = get(key);
  if (!v) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(v)) return *i;
  if (const auto* d = std::get_if<double>(v); d && std::trunc(*d) == *d && std::abs(*d) < 9e15)
    return static_cast<int64_t>(*d);
  throw ValueError(cat(owner_, ".from_config: `", key, "` must be an integer"));
}

int64_t ConfigReader::integer(const char* key, int64_t fallback) { return optional_integer(key).value_or(fallback); }

std::string ConfigReader::text(const char* key, const std::string& fallback) {
  const ConfigValue* v = get(key);
  if (!v) return fallback;
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  throw ValueError(cat(owner_, ".from_config: `", key, "` must be a string"));
}

Reduction ConfigReader::reduction() {
  read_.insert("reduction");
  const ConfigValue* v = config_find(config_, "reduction");
  if (!v) return "sum_over_batch_size";
  if (std::holds_alternative<std::nullptr_t>(*v)) return std::nullopt;
  const auto* s = std::get_if<std::string>(v);
  if (!s) throw ValueError(cat(owner_, ".from_config: `reduction` must be a string or null"));
  if (*s == "auto") return "sum_over_batch_size";  // tf.keras 2 wrote "auto" for the same thing
  return *s;
}

OptionalAxes ConfigReader::axes(const char* key) {
  const ConfigValue* v = get(key);
  if (!v) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(v)) return std::vector<int64_t>{*i};
  if (const auto* l = std::get_if<std::vector<int64_t>>(v)) return *l;
  throw ValueError(cat(owner_, ".from_config: `", key, "` must be null, an integer or a list of integers"));
}

void ConfigReader::finish() const {
  for (const auto& [k, v] : config_) {
    if (read_.count(k) || k == "fn") continue;
    if (k == "dtype") {  // Keras's Loss(dtype=...): this library computes losses in float32
      const auto* s = std::get_if<std::string>(&v);
      if (std::holds_alternative<std::nullptr_t>(v) || (s && *s == "float32")) continue;
    }
    throw ValueError(cat(owner_, ".from_config: unexpected argument `", k, "`"));
  }
}

ConfigValue axes_value(const OptionalAxes& axes) {
  if (!axes) return nullptr;
  if (axes->size() == 1) return (*axes)[0];
  return *axes;
}

ConfigValue reduction_value(const Reduction& r) { return r ? ConfigValue(*r) : ConfigValue(nullptr); }

}  // namespace detail

}  // namespace keras::losses
