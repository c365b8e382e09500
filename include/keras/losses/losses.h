// Losses (keras.losses). A Loss is a small value: a name, the per-sample function
// (y_true, y_pred) -> losses, and a reduction. operator() reduces to a scalar as Keras
// does ("sum_over_batch_size": the mean over all per-sample values).
//
//   model.compile("adam", "sparse_categorical_crossentropy");
//   model.compile("adam", losses::CategoricalCrossentropy({.from_logits = true}));
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "keras/tensor/tensor.h"
#include "keras/utils/config_map.h"

namespace keras::losses {

class Loss {
 public:
  using Fn = std::function<Tensor(const Tensor& y_true, const Tensor& y_pred)>;

  /// By Keras name ("mse", "sparse_categorical_crossentropy", "BinaryCrossentropy", ...).
  Loss(const char* name);         // NOLINT: implicit, as Keras accepts strings
  Loss(const std::string& name);  // NOLINT
  /// A custom loss from a per-sample function built with keras::ops.
  Loss(std::string name, Fn fn, std::string reduction = "sum_over_batch_size");

  /// The reduced loss (a scalar unless reduction is "none").
  Tensor operator()(const Tensor& y_true, const Tensor& y_pred) const;
  /// Per-sample losses, before reduction.
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const { return fn_(y_true, y_pred); }

  const std::string& name() const { return name_; }
  const std::string& reduction() const { return reduction_; }
  /// Keras's class name ("SparseCategoricalCrossentropy"), empty for a custom function.
  const std::string& class_name() const { return class_name_; }
  /// Keras's get_config(): name, reduction and the function's arguments.
  const ConfigMap& config() const { return config_; }
  /// The string it was made from ("mse"), if it was made from a string.
  const std::string& spec() const { return spec_; }
  /// Rebuilds a loss from Keras's class name and config (ValueError if unknown).
  static Loss from_config(const std::string& class_name, const ConfigMap& config);

 protected:
  void set_config(std::string class_name, ConfigMap config);

 private:
  std::string name_, reduction_, class_name_, spec_;
  Fn fn_;
  ConfigMap config_;
};

/// A Keras mask (y_pred.keras_mask(), e.g. (batch, time)) as weights for per-sample
/// `values`: cast to their dtype, its rank matched to theirs as Keras's
/// squeeze_or_expand_to_same_rank does. ValueError when the shapes cannot match.
Tensor mask_weights(const Tensor& mask, const Tensor& values);

struct SparseCategoricalCrossentropyOptions {
  bool from_logits = false;
  std::optional<int64_t> ignore_class{};
  std::string reduction = "sum_over_batch_size";
  std::string name = "sparse_categorical_crossentropy";
};
class SparseCategoricalCrossentropy : public Loss {
 public: explicit SparseCategoricalCrossentropy(SparseCategoricalCrossentropyOptions o = {});
};

struct CategoricalCrossentropyOptions {
  bool from_logits = false;
  double label_smoothing = 0.0;
  int64_t axis = -1;
  std::string reduction = "sum_over_batch_size";
  std::string name = "categorical_crossentropy";
};
class CategoricalCrossentropy : public Loss {
 public: explicit CategoricalCrossentropy(CategoricalCrossentropyOptions o = {});
};

struct BinaryCrossentropyOptions {
  bool from_logits = false;
  double label_smoothing = 0.0;
  int64_t axis = -1;
  std::string reduction = "sum_over_batch_size";
  std::string name = "binary_crossentropy";
};
class BinaryCrossentropy : public Loss {
 public: explicit BinaryCrossentropy(BinaryCrossentropyOptions o = {});
};

struct RegressionLossOptions {
  std::string reduction = "sum_over_batch_size";
  std::string name{};  // default: the loss's Keras name
};
class MeanSquaredError : public Loss { public: explicit MeanSquaredError(RegressionLossOptions o = {}); };
class MeanAbsoluteError : public Loss { public: explicit MeanAbsoluteError(RegressionLossOptions o = {}); };

struct HuberOptions {
  double delta = 1.0;
  std::string reduction = "sum_over_batch_size";
  std::string name = "huber_loss";
};
class Huber : public Loss { public: explicit Huber(HuberOptions o = {}); };

// The per-sample functions themselves (keras.losses.sparse_categorical_crossentropy, ...).
Tensor sparse_categorical_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits = false,
                                       std::optional<int64_t> ignore_class = {});
Tensor categorical_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits = false,
                                double label_smoothing = 0.0, int64_t axis = -1);
Tensor binary_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits = false,
                           double label_smoothing = 0.0, int64_t axis = -1);
Tensor mean_squared_error(const Tensor& y_true, const Tensor& y_pred);
Tensor mean_absolute_error(const Tensor& y_true, const Tensor& y_pred);
Tensor huber(const Tensor& y_true, const Tensor& y_pred, double delta = 1.0);

/// Keras's fuzz factor (keras.config.epsilon()).
inline constexpr double kEpsilon = 1e-7;

}  // namespace keras::losses
