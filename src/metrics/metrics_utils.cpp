#include "metrics_utils.h"

#include <algorithm>

#include "keras/errors.h"
#include "keras/layers/layer.h"

namespace keras::metrics {

using keras::detail::cat;

std::string auto_name(const std::string& class_name) { return layers::unique_name(layers::to_snake_case(class_name)); }

Tensor Metric::result_tensor() const { return Tensor::scalar(result()); }

namespace detail {

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

Array to_array(const Tensor& t) {
  if (!t.defined()) throw ValueError("metrics: expected a tensor, received an undefined one");
  Array a;
  for (int64_t d : t.shape()) a.shape.push_back(d);
  a.v = t.to_vector<double>();
  return a;
}

Tensor to_tensor(const Array& a) {
  std::vector<float> f(a.v.begin(), a.v.end());
  return Tensor::from_vector<float>(f, Shape(a.shape));
}

Array scalar_array(double value) { return Array{{}, {value}}; }

Array squeeze_last(Array a) {
  if (!a.shape.empty()) a.shape.pop_back();
  return a;
}

Array expand_last(Array a) {
  a.shape.push_back(1);
  return a;
}

void squeeze_or_expand_to_same_rank(Array& x1, Array& x2, bool expand_rank_1) {
  const int64_t r1 = x1.rank(), r2 = x2.rank();
  if (r1 == r2) return;
  if (r1 == r2 + 1 && x1.last() == 1) {
    if (r2 == 1 && expand_rank_1) x2 = expand_last(std::move(x2));
    else x1 = squeeze_last(std::move(x1));
  }
  if (r2 == r1 + 1 && x2.last() == 1) {
    if (r1 == 1 && expand_rank_1) x1 = expand_last(std::move(x1));
    else x2 = squeeze_last(std::move(x2));
  }
}

std::vector<int64_t> broadcast_shapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                                      const std::string& who) {
  const size_t n = std::max(a.size(), b.size());
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    const int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1)
      throw ValueError(cat(who, ": shapes ", shape_str(a), " and ", shape_str(b), " cannot be broadcast together"));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Array broadcast_to(const Array& a, const std::vector<int64_t>& shape, const std::string& who) {
  if (a.shape == shape) return a;
  if (a.shape.size() > shape.size() || broadcast_shapes(a.shape, shape, who) != shape)
    throw ValueError(cat(who, ": cannot broadcast shape ", shape_str(a.shape), " to ", shape_str(shape)));
  const size_t n = shape.size(), off = n - a.shape.size();
  // Strides of `a` seen in the target's axes (0 where it repeats).
  std::vector<int64_t> stride(n, 0);
  int64_t s = 1;
  for (size_t i = a.shape.size(); i-- > 0;) {
    stride[i + off] = a.shape[i] == 1 ? 0 : s;
    s *= a.shape[i];
  }
  int64_t total = 1;
  for (int64_t d : shape) total *= d;
  Array out{shape, std::vector<double>(static_cast<size_t>(total))};
  std::vector<int64_t> idx(n, 0);
  int64_t src = 0;
  for (int64_t k = 0; k < total; ++k) {
    out.v[static_cast<size_t>(k)] = a.v[static_cast<size_t>(src)];
    for (size_t ax = n; ax-- > 0;) {  // odometer increment
      ++idx[ax];
      src += stride[ax];
      if (idx[ax] < shape[ax]) break;
      src -= stride[ax] * idx[ax];
      idx[ax] = 0;
    }
  }
  return out;
}

Array multiply(const Array& a, const Array& b, const std::string& who) {
  const auto shape = broadcast_shapes(a.shape, b.shape, who);
  Array x = broadcast_to(a, shape, who), y = broadcast_to(b, shape, who);
  for (size_t i = 0; i < x.v.size(); ++i) x.v[i] *= y.v[i];
  return x;
}

Array reduce_from(const Array& a, int64_t keep_rank, bool mean) {
  if (keep_rank >= a.rank()) return a;
  Array out;
  out.shape.assign(a.shape.begin(), a.shape.begin() + keep_rank);
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < a.rank(); ++i) (i < keep_rank ? outer : inner) *= a.shape[static_cast<size_t>(i)];
  out.v.assign(static_cast<size_t>(outer), 0.0);
  for (int64_t o = 0; o < outer; ++o) {
    double s = 0;
    for (int64_t i = 0; i < inner; ++i) s += a.v[static_cast<size_t>(o * inner + i)];
    out.v[static_cast<size_t>(o)] = mean ? (inner > 0 ? s / static_cast<double>(inner) : 0.0) : s;
  }
  return out;
}

Array per_row(Array y_true, Array y_pred, const std::function<double(const double*, const double*, int64_t)>& fn,
              const std::string& who) {
  squeeze_or_expand_to_same_rank(y_true, y_pred);
  const auto shape = broadcast_shapes(y_true.shape, y_pred.shape, who);
  y_true = broadcast_to(y_true, shape, who);
  y_pred = broadcast_to(y_pred, shape, who);
  const int64_t n = shape.empty() ? 1 : shape.back();
  Array out;
  if (!shape.empty()) out.shape.assign(shape.begin(), shape.end() - 1);
  const int64_t rows = n > 0 ? static_cast<int64_t>(y_true.size()) / n : 0;
  out.v.resize(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r)
    out.v[static_cast<size_t>(r)] = fn(y_true.v.data() + r * n, y_pred.v.data() + r * n, n);
  return out;
}

std::pair<double, double> samplewise_totals(Array values, const std::optional<Array>& weights_in, bool mean) {
  std::optional<Array> weights = weights_in;
  if (weights) {
    Array& w = *weights;
    squeeze_or_expand_to_same_rank(values, w);
    const int64_t wr = w.rank();
    if (values.rank() > wr) values = reduce_from(values, wr, mean);
    w = broadcast_to(w, values.shape, "sample_weight");
    for (size_t i = 0; i < values.v.size(); ++i) values.v[i] *= w.v[i];
    if (wr > 1) w = reduce_from(w, 1, mean);
  }
  if (values.rank() > 1) values = reduce_from(values, 1, mean);
  double total = 0;
  for (double x : values.v) total += x;
  double count;
  if (weights) {
    count = 0;
    for (double x : weights->v) count += x;
  } else {
    count = values.rank() >= 1 ? static_cast<double>(values.shape[0]) : 1.0;
  }
  return {total, count};
}

std::optional<Array> apply_mask(const Tensor& mask, std::optional<Array> weights) {
  if (!mask.defined()) return weights;
  Array m = to_array(mask);
  for (double& x : m.v) x = x != 0 ? 1.0 : 0.0;
  if (!weights) return m;
  squeeze_or_expand_to_same_rank(m, *weights);
  return multiply(*weights, m, "sample_weight and mask");
}

// ---- configs

const ConfigValue* find(const ConfigMap& c, const char* key) { return config_find(c, key); }

namespace {
[[noreturn]] void bad(const char* key, const char* what) {
  throw ValueError(cat("metric config: `", key, "` must be ", what));
}
}  // namespace

std::string text(const ConfigMap& c, const char* key, const std::string& fallback) {
  const ConfigValue* v = find(c, key);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return fallback;
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  bad(key, "a string");
}

std::optional<double> opt_number(const ConfigMap& c, const char* key) {
  const ConfigValue* v = find(c, key);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return std::nullopt;
  if (const auto* d = std::get_if<double>(v)) return *d;
  if (const auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  if (const auto* b = std::get_if<bool>(v)) return *b ? 1.0 : 0.0;
  bad(key, "a number");
}

double number(const ConfigMap& c, const char* key, double fallback) { return opt_number(c, key).value_or(fallback); }

std::optional<int64_t> opt_integer(const ConfigMap& c, const char* key) {
  const ConfigValue* v = find(c, key);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(v)) return *i;
  if (const auto* d = std::get_if<double>(v); d && *d == static_cast<double>(static_cast<int64_t>(*d)))
    return static_cast<int64_t>(*d);
  bad(key, "an integer");
}

int64_t integer(const ConfigMap& c, const char* key, int64_t fallback) {
  return opt_integer(c, key).value_or(fallback);
}

bool flag(const ConfigMap& c, const char* key, bool fallback) {
  const ConfigValue* v = find(c, key);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return fallback;
  if (const auto* b = std::get_if<bool>(v)) return *b;
  if (const auto* i = std::get_if<int64_t>(v)) return *i != 0;
  bad(key, "a boolean");
}

std::optional<std::vector<double>> opt_numbers(const ConfigMap& c, const char* key) {
  const ConfigValue* v = find(c, key);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return std::nullopt;
  if (const auto* d = std::get_if<std::vector<double>>(v)) return *d;
  if (const auto* i = std::get_if<std::vector<int64_t>>(v)) return std::vector<double>(i->begin(), i->end());
  if (auto x = opt_number(c, key)) return std::vector<double>{*x};
  bad(key, "a number or a list of numbers");
}

std::optional<std::vector<int64_t>> opt_integers(const ConfigMap& c, const char* key) {
  const ConfigValue* v = find(c, key);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return std::nullopt;
  if (const auto* i = std::get_if<std::vector<int64_t>>(v)) return *i;
  if (auto x = opt_integer(c, key)) return std::vector<int64_t>{*x};
  bad(key, "an integer or a list of integers");
}

const ConfigValue& required(const ConfigMap& c, const char* key, const std::string& class_name) {
  const ConfigValue* v = find(c, key);
  if (!v || std::holds_alternative<std::nullptr_t>(*v))
    throw ValueError(cat(class_name, ".from_config: the config has no `", key, "`, which ", class_name, " requires"));
  return *v;
}

ConfigValue opt_value(const std::optional<double>& x) { return x ? ConfigValue(*x) : ConfigValue(nullptr); }
ConfigValue opt_value(const std::optional<int64_t>& x) { return x ? ConfigValue(*x) : ConfigValue(nullptr); }
ConfigValue opt_value(const std::optional<std::string>& x) { return x ? ConfigValue(*x) : ConfigValue(nullptr); }

}  // namespace detail
}  // namespace keras::metrics
