// Private helpers of the metrics: their state is a handful of sums, so batches are read
// into plain arrays of doubles (on the CPU) and reduced there, following Keras's
// broadcasting rules (keras/src/losses/loss.py squeeze_or_expand_to_same_rank,
// keras/src/metrics/reduction_metrics.py reduce_to_samplewise_values,
// keras/src/metrics/metrics_utils.py update_confusion_matrix_variables).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "keras/metrics/metric.h"
#include "keras/utils/config_map.h"

namespace keras::metrics::detail {

/// A dense row-major array of doubles.
struct Array {
  std::vector<int64_t> shape;
  std::vector<double> v;
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  int64_t dim(int64_t axis) const { return shape[static_cast<size_t>(axis < 0 ? axis + rank() : axis)]; }
  /// Length of the last axis (1 for a scalar).
  int64_t last() const { return shape.empty() ? 1 : shape.back(); }
  size_t size() const { return v.size(); }
};

std::string shape_str(const std::vector<int64_t>& shape);
/// The values of `t` (any dtype, any device) as doubles.
Array to_array(const Tensor& t);
/// A float32 tensor of `a`.
Tensor to_tensor(const Array& a);
Array scalar_array(double value);

Array squeeze_last(Array a);
Array expand_last(Array a);
/// Keras's squeeze_or_expand_to_same_rank: when the ranks differ by one and the longer
/// ends in 1, squeeze it (or expand a rank-1 partner when expand_rank_1).
void squeeze_or_expand_to_same_rank(Array& x1, Array& x2, bool expand_rank_1 = true);
/// numpy broadcasting of `a` to `shape`; ValueError naming `who` when impossible.
Array broadcast_to(const Array& a, const std::vector<int64_t>& shape, const std::string& who);
std::vector<int64_t> broadcast_shapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                                      const std::string& who);
/// a * b with numpy broadcasting.
Array multiply(const Array& a, const Array& b, const std::string& who);
/// Sums (or means) away every axis from `keep_rank` on.
Array reduce_from(const Array& a, int64_t keep_rank, bool mean);
/// One value per row of the last axis: fn(true_row, pred_row, length). The two arrays are
/// first brought to one rank and broadcast to one shape.
Array per_row(Array y_true, Array y_pred, const std::function<double(const double*, const double*, int64_t)>& fn,
              const std::string& who);

/// Keras's reduce_to_samplewise_values, then the sums Mean/Sum add: returns
/// {sum of the weighted per-sample values, the count Mean adds}.
std::pair<double, double> samplewise_totals(Array values, const std::optional<Array>& weights, bool mean);
/// Keras's apply_mask(sample_weight, mask, reduction="sum"): the mask as weights.
std::optional<Array> apply_mask(const Tensor& mask, std::optional<Array> weights);

/// Reads the config values Keras writes.
const ConfigValue* find(const ConfigMap& c, const char* key);
std::string text(const ConfigMap& c, const char* key, const std::string& fallback);
double number(const ConfigMap& c, const char* key, double fallback);
std::optional<double> opt_number(const ConfigMap& c, const char* key);
int64_t integer(const ConfigMap& c, const char* key, int64_t fallback);
std::optional<int64_t> opt_integer(const ConfigMap& c, const char* key);
bool flag(const ConfigMap& c, const char* key, bool fallback);
std::optional<std::vector<double>> opt_numbers(const ConfigMap& c, const char* key);
std::optional<std::vector<int64_t>> opt_integers(const ConfigMap& c, const char* key);
/// A required key; ValueError naming the class when missing.
const ConfigValue& required(const ConfigMap& c, const char* key, const std::string& class_name);
/// The metric's name from the config, else `fallback`.
inline std::string name_of(const ConfigMap& c, const std::string& fallback) { return text(c, "name", fallback); }
inline std::string dtype_of(const ConfigMap& c) { return text(c, "dtype", ""); }

ConfigValue opt_value(const std::optional<double>& x);
ConfigValue opt_value(const std::optional<int64_t>& x);
ConfigValue opt_value(const std::optional<std::string>& x);

}  // namespace keras::metrics::detail
