// Helpers shared by the loss sources: scalars, dtype and shape checks, and reading the
// configs Keras writes for losses.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "keras/errors.h"
#include "keras/losses/loss.h"
#include "keras/losses/segmentation.h"

namespace keras::losses::detail {

using keras::detail::cat;

/// A float32 rank-0 tensor on `like`'s device.
inline Tensor scalar(double v, const Tensor& like) { return Tensor::full(Shape{}, v, DType::float32, like.device()); }
Tensor as_float(const Tensor& t);
/// ValueError naming the loss and both shapes unless they are equal.
void check_same_shape(const Tensor& y_true, const Tensor& y_pred, const char* loss);
/// `axis` in [-rank, rank) as a non-negative axis; ValueError naming the loss otherwise.
int64_t canonical_axis(int64_t axis, int64_t rank, const char* loss);
/// y_true cast to float32 and brought to y_pred's rank (squeeze_or_expand_to_same_rank).
std::pair<Tensor, Tensor> float_pair(const Tensor& y_true, const Tensor& y_pred);
/// Integer labels on the host (ValueError naming the loss if a value is not an integer).
std::vector<int64_t> host_labels(const Tensor& labels, const char* loss);

/// Reads a loss's Keras config, key by key; finish() rejects keys the loss does not take
/// (as Keras's cls(**config) does), except "fn" and "dtype" which Keras may write.
class ConfigReader {
 public:
  ConfigReader(const ConfigMap& config, std::string owner) : config_(config), owner_(std::move(owner)) {}
  bool flag(const char* key, bool fallback);
  double number(const char* key, double fallback);
  int64_t integer(const char* key, int64_t fallback);
  std::optional<int64_t> optional_integer(const char* key);
  std::string text(const char* key, const std::string& fallback);
  Reduction reduction();
  OptionalAxes axes(const char* key);
  void finish() const;

 private:
  const ConfigValue* get(const char* key);
  const ConfigMap& config_;
  std::string owner_;
  std::set<std::string> read_;
};

/// The config value Keras writes for an optional axis list (null, an int or a list).
ConfigValue axes_value(const OptionalAxes& axes);
/// The config value of a reduction (null for None).
ConfigValue reduction_value(const Reduction& r);

}  // namespace keras::losses::detail
