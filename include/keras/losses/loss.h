// The Loss base (keras/src/losses/loss.py): a name, a per-sample function
// (y_true, y_pred) -> losses, and a reduction. operator() weighs the per-sample losses
// (sample_weight, Keras masks) and reduces them as Keras's reduce_weighted_values does.
//
//   losses::Loss loss = "huber";
//   Tensor l = loss(y_true, y_pred, sample_weight);
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "keras/tensor/tensor.h"
#include "keras/utils/config_map.h"

namespace keras::losses {

/// Keras's `reduction` argument: "sum_over_batch_size" (the default), "sum", "mean",
/// "mean_with_sample_weight", "none", or std::nullopt (Keras's None: no reduction, written
/// as null in configs).
using Reduction = std::optional<std::string>;

/// Keras's fuzz factor (keras.config.epsilon()).
inline constexpr double kEpsilon = 1e-7;

class Loss {
 public:
  using Fn = std::function<Tensor(const Tensor& y_true, const Tensor& y_pred)>;

  /// By Keras name: class names ("BinaryCrossentropy"), function names
  /// ("binary_crossentropy") and Keras's aliases ("bce", "mse", "mae", "mape", "msle",
  /// "kld", "logcosh", ...). ValueError naming the identifier when unknown.
  Loss(const char* name);         // NOLINT: implicit, as Keras accepts strings
  Loss(const std::string& name);  // NOLINT
  /// A custom loss from a per-sample function built with keras::ops (Keras's
  /// LossFunctionWrapper). The function may set a Keras mask on its result to exclude
  /// entries from the reduction (as sparse_categorical_crossentropy's ignore_class does).
  Loss(std::string name, Fn fn, Reduction reduction = "sum_over_batch_size");

  /// The reduced loss (a scalar unless the reduction is "none"/None).
  Tensor operator()(const Tensor& y_true, const Tensor& y_pred) const;
  /// Weighted by `sample_weight` (undefined: no weights), brought to the rank of the
  /// per-sample losses as Keras's squeeze_or_expand_to_same_rank does, then broadcast.
  Tensor operator()(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) const;
  /// Per-sample losses, before reduction (y_true and y_pred first brought to the same
  /// rank as Keras's LossFunctionWrapper does).
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const;

  const std::string& name() const { return name_; }
  const Reduction& reduction() const { return reduction_; }
  /// Keras's class name ("SparseCategoricalCrossentropy"), empty for a custom function.
  const std::string& class_name() const { return class_name_; }
  /// Keras's get_config(): name, reduction and the loss's arguments, in Keras's order.
  const ConfigMap& config() const { return config_; }
  /// The string it was made from ("mse"), if it was made from a string.
  const std::string& spec() const { return spec_; }
  /// Rebuilds a loss from Keras's class name (or a loss function's name) and config, as
  /// Keras writes them. ValueError for an unknown class or an argument it does not take.
  static Loss from_config(const std::string& class_name, const ConfigMap& config);

 protected:
  /// Records Keras's class name and the arguments written after name and reduction.
  void set_config(std::string class_name, ConfigMap config);

 private:
  std::string name_;
  Reduction reduction_;
  std::string class_name_, spec_;
  Fn fn_;
  ConfigMap config_;
};

/// Keras's squeeze_or_expand_to_same_rank: when the ranks of x1 and x2 differ by one and
/// the longer one ends in 1, squeezes that axis (or expands the rank-1 one).
std::pair<Tensor, Tensor> squeeze_or_expand_to_same_rank(const Tensor& x1, const Tensor& x2, bool expand_rank_1 = true);

/// Keras's reduce_weighted_values: merges `mask` (Keras mask, may be undefined) into
/// `sample_weight` (may be undefined), weighs `values` and reduces them.
Tensor reduce_weighted_values(const Tensor& values, const Tensor& sample_weight, const Tensor& mask,
                              const Reduction& reduction);

/// A Keras mask (y_pred.keras_mask(), e.g. (batch, time)) as weights for per-sample
/// `values`: cast to their dtype, its rank matched to theirs as Keras's
/// squeeze_or_expand_to_same_rank does. ValueError when the shapes cannot match.
Tensor mask_weights(const Tensor& mask, const Tensor& values);

/// The arguments every loss takes (the losses whose only arguments are these: MSE, MAE,
/// MAPE, MSLE, LogCosh, KLDivergence, Poisson, the hinges, CTC).
struct LossOptions {
  Reduction reduction = "sum_over_batch_size";
  std::string name{};  // default: the loss's Keras name
};
using RegressionLossOptions = LossOptions;

}  // namespace keras::losses
