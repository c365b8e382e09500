// Probabilistic losses of keras/src/losses/losses.py: the crossentropies (binary,
// categorical, sparse, focal, generalized), KLDivergence and Poisson. Probabilities are
// clipped to [epsilon, 1 - epsilon] when not from logits, as Keras's backends do.
//
//   model.compile("adam", losses::CategoricalCrossentropy({.from_logits = true, .label_smoothing = 0.1}));
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "keras/losses/loss.h"

namespace keras::losses {

/// -sum(y_true * log(y_pred)) over the class axis, with y_true smoothed to
/// y_true * (1 - label_smoothing) + label_smoothing / num_classes.
struct CategoricalCrossentropyOptions {
  bool from_logits = false;
  double label_smoothing = 0.0;
  int64_t axis = -1;
  Reduction reduction = "sum_over_batch_size";
  std::string name = "categorical_crossentropy";
};
class CategoricalCrossentropy : public Loss {
 public:
  explicit CategoricalCrossentropy(CategoricalCrossentropyOptions o = {});
};

/// Crossentropy against integer class indices; entries whose label is `ignore_class`
/// count as masked out (they cost 0 and leave the mean).
struct SparseCategoricalCrossentropyOptions {
  bool from_logits = false;
  std::optional<int64_t> ignore_class{};
  Reduction reduction = "sum_over_batch_size";
  int64_t axis = -1;
  std::string name = "sparse_categorical_crossentropy";
};
class SparseCategoricalCrossentropy : public Loss {
 public:
  explicit SparseCategoricalCrossentropy(SparseCategoricalCrossentropyOptions o = {});
};

/// mean(-(y log p + (1 - y) log(1 - p))) over `axis`, y smoothed towards 0.5.
struct BinaryCrossentropyOptions {
  bool from_logits = false;
  double label_smoothing = 0.0;
  int64_t axis = -1;
  Reduction reduction = "sum_over_batch_size";
  std::string name = "binary_crossentropy";
};
class BinaryCrossentropy : public Loss {
 public:
  explicit BinaryCrossentropy(BinaryCrossentropyOptions o = {});
};

/// Binary crossentropy scaled by (1 - p_t)^gamma, and by alpha / (1 - alpha) for
/// positives / negatives when apply_class_balancing (Lin et al., 2018).
struct BinaryFocalCrossentropyOptions {
  bool apply_class_balancing = false;
  double alpha = 0.25;
  double gamma = 2.0;
  bool from_logits = false;
  double label_smoothing = 0.0;
  int64_t axis = -1;
  Reduction reduction = "sum_over_batch_size";
  std::string name = "binary_focal_crossentropy";
};
class BinaryFocalCrossentropy : public Loss {
 public:
  explicit BinaryFocalCrossentropy(BinaryFocalCrossentropyOptions o = {});
};

/// sum(alpha * (1 - p)^gamma * -y log p) over the class axis.
struct CategoricalFocalCrossentropyOptions {
  double alpha = 0.25;
  double gamma = 2.0;
  bool from_logits = false;
  double label_smoothing = 0.0;
  int64_t axis = -1;
  Reduction reduction = "sum_over_batch_size";
  std::string name = "categorical_focal_crossentropy";
};
class CategoricalFocalCrossentropy : public Loss {
 public:
  explicit CategoricalFocalCrossentropy(CategoricalFocalCrossentropyOptions o = {});
};

/// (1 - p^q) / q, p the predicted probability of the true class (integer labels), q in (0, 1).
struct CategoricalGeneralizedCrossEntropyOptions {
  double q = 0.5;
  Reduction reduction = "sum_over_batch_size";
  std::string name = "categorical_generalized_cross_entropy";
};
class CategoricalGeneralizedCrossEntropy : public Loss {
 public:
  explicit CategoricalGeneralizedCrossEntropy(CategoricalGeneralizedCrossEntropyOptions o = {});
};

/// sum(y_true * log(y_true / y_pred)) over the last axis, both clipped to [epsilon, 1].
class KLDivergence : public Loss {
 public:
  explicit KLDivergence(LossOptions o = {});
};

/// mean(y_pred - y_true * log(y_pred + epsilon)) over the last axis.
class Poisson : public Loss {
 public:
  explicit Poisson(LossOptions o = {});
};

// The per-sample functions (keras.losses.categorical_crossentropy, ...).
Tensor categorical_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits = false,
                                double label_smoothing = 0.0, int64_t axis = -1);
Tensor sparse_categorical_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits = false,
                                       std::optional<int64_t> ignore_class = {}, int64_t axis = -1);
Tensor binary_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool from_logits = false,
                           double label_smoothing = 0.0, int64_t axis = -1);
Tensor binary_focal_crossentropy(const Tensor& y_true, const Tensor& y_pred, bool apply_class_balancing = false,
                                 double alpha = 0.25, double gamma = 2.0, bool from_logits = false,
                                 double label_smoothing = 0.0, int64_t axis = -1);
Tensor categorical_focal_crossentropy(const Tensor& y_true, const Tensor& y_pred, double alpha = 0.25,
                                      double gamma = 2.0, bool from_logits = false, double label_smoothing = 0.0,
                                      int64_t axis = -1);
Tensor categorical_generalized_cross_entropy(const Tensor& y_true, const Tensor& y_pred, double q);
Tensor kl_divergence(const Tensor& y_true, const Tensor& y_pred);
Tensor poisson(const Tensor& y_true, const Tensor& y_pred);

}  // namespace keras::losses
