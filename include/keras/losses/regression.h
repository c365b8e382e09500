// Regression losses of keras/src/losses/losses.py: MeanSquaredError, MeanAbsoluteError,
// MeanAbsolutePercentageError, MeanSquaredLogarithmicError, CosineSimilarity, Huber and
// LogCosh. Each averages over the last axis (CosineSimilarity sums over `axis`).
//
//   model.compile("adam", losses::Huber({.delta = 0.5}));
#pragma once

#include <cstdint>
#include <string>

#include "keras/losses/loss.h"

namespace keras::losses {

/// mean(square(y_true - y_pred)).
class MeanSquaredError : public Loss {
 public:
  explicit MeanSquaredError(LossOptions o = {});
};
/// mean(abs(y_true - y_pred)).
class MeanAbsoluteError : public Loss {
 public:
  explicit MeanAbsoluteError(LossOptions o = {});
};
/// 100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon))).
class MeanAbsolutePercentageError : public Loss {
 public:
  explicit MeanAbsolutePercentageError(LossOptions o = {});
};
/// mean(square(log(max(y_pred, epsilon) + 1) - log(max(y_true, epsilon) + 1))).
class MeanSquaredLogarithmicError : public Loss {
 public:
  explicit MeanSquaredLogarithmicError(LossOptions o = {});
};
/// mean(log(cosh(y_pred - y_true))), computed as x + softplus(-2x) - log(2).
class LogCosh : public Loss {
 public:
  explicit LogCosh(LossOptions o = {});
};

/// -sum(l2_normalize(y_true) * l2_normalize(y_pred)) over `axis`.
struct CosineSimilarityOptions {
  int64_t axis = -1;
  Reduction reduction = "sum_over_batch_size";
  std::string name = "cosine_similarity";
};
class CosineSimilarity : public Loss {
 public:
  explicit CosineSimilarity(CosineSimilarityOptions o = {});
};

/// 0.5 * x^2 where |x| <= delta, else delta * |x| - 0.5 * delta^2 (x = y_pred - y_true).
struct HuberOptions {
  double delta = 1.0;
  Reduction reduction = "sum_over_batch_size";
  std::string name = "huber_loss";
};
class Huber : public Loss {
 public:
  explicit Huber(HuberOptions o = {});
};

// The per-sample functions (keras.losses.mean_squared_error, ...).
Tensor mean_squared_error(const Tensor& y_true, const Tensor& y_pred);
Tensor mean_absolute_error(const Tensor& y_true, const Tensor& y_pred);
Tensor mean_absolute_percentage_error(const Tensor& y_true, const Tensor& y_pred);
Tensor mean_squared_logarithmic_error(const Tensor& y_true, const Tensor& y_pred);
Tensor log_cosh(const Tensor& y_true, const Tensor& y_pred);
Tensor cosine_similarity(const Tensor& y_true, const Tensor& y_pred, int64_t axis = -1);
Tensor huber(const Tensor& y_true, const Tensor& y_pred, double delta = 1.0);

}  // namespace keras::losses
