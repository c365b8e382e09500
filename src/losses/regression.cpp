// Regression losses, following keras/src/losses/losses.py (mean_squared_error,
// mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
// cosine_similarity, huber, log_cosh).
#include "keras/losses/regression.h"

#include <cmath>

#include "keras/ops/math.h"
#include "keras/ops/nn.h"
#include "losses/loss_utils.h"

namespace keras::losses {

using namespace detail;  // NOLINT: this file's own helpers

namespace {
std::pair<Tensor, Tensor> checked_pair(const Tensor& y_true, const Tensor& y_pred, const char* loss) {
  auto pair = float_pair(y_true, y_pred);
  check_same_shape(pair.first, pair.second, loss);
  return pair;
}
}  // namespace

Tensor mean_squared_error(const Tensor& y_true_in, const Tensor& y_pred_in) {
  auto [y_true, y_pred] = checked_pair(y_true_in, y_pred_in, "mean_squared_error");
  return ops::mean(ops::square(ops::subtract(y_pred, y_true)), {-1});
}

Tensor mean_absolute_error(const Tensor& y_true_in, const Tensor& y_pred_in) {
  auto [y_true, y_pred] = checked_pair(y_true_in, y_pred_in, "mean_absolute_error");
  return ops::mean(ops::abs(ops::subtract(y_pred, y_true)), {-1});
}

Tensor mean_absolute_percentage_error(const Tensor& y_true_in, const Tensor& y_pred_in) {
  auto [y_true, y_pred] = checked_pair(y_true_in, y_pred_in, "mean_absolute_percentage_error");
  const Tensor denom = ops::maximum(ops::abs(y_true), scalar(kEpsilon, y_true));
  const Tensor diff = ops::abs(ops::divide(ops::subtract(y_true, y_pred), denom));
  return ops::multiply(scalar(100.0, diff), ops::mean(diff, {-1}));
}

Tensor mean_squared_logarithmic_error(const Tensor& y_true_in, const Tensor& y_pred_in) {
  auto [y_true, y_pred] = checked_pair(y_true_in, y_pred_in, "mean_squared_logarithmic_error");
  const Tensor eps = scalar(kEpsilon, y_pred), one = scalar(1.0, y_pred);
  const Tensor first = ops::log(ops::add(ops::maximum(y_pred, eps), one));
  const Tensor second = ops::log(ops::add(ops::maximum(y_true, eps), one));
  return ops::mean(ops::square(ops::subtract(first, second)), {-1});
}

Tensor log_cosh(const Tensor& y_true_in, const Tensor& y_pred_in) {
  auto [y_true, y_pred] = checked_pair(y_true_in, y_pred_in, "log_cosh");
  const Tensor x = ops::subtract(y_pred, y_true);
  // log(cosh(x)) = x + softplus(-2x) - log(2), finite for large |x|.
  const Tensor l =
      ops::subtract(ops::add(x, ops::softplus(ops::multiply(x, scalar(-2.0, x)))), scalar(std::log(2.0), x));
  return ops::mean(l, {-1});
}

Tensor cosine_similarity(const Tensor& y_true_in, const Tensor& y_pred_in, int64_t axis) {
  auto [y_true, y_pred] = checked_pair(y_true_in, y_pred_in, "cosine_similarity");
  const int64_t ax = canonical_axis(axis, y_pred.rank(), "cosine_similarity");
  return ops::negative(ops::sum(ops::multiply(ops::normalize(y_true, {ax}), ops::normalize(y_pred, {ax})), {ax}));
}

Tensor huber(const Tensor& y_true_in, const Tensor& y_pred_in, double delta) {
  auto [y_true, y_pred] = checked_pair(y_true_in, y_pred_in, "huber");
  // 0.5 x^2 for |x| <= delta, delta |x| - 0.5 delta^2 beyond: with q = min(|x|, delta),
  // 0.5 q^2 + delta (|x| - q).
  const Tensor err = ops::abs(ops::subtract(y_pred, y_true));
  const Tensor quad = ops::minimum(err, scalar(delta, err));
  const Tensor lin = ops::subtract(err, quad);
  return ops::mean(
      ops::add(ops::multiply(scalar(0.5, quad), ops::square(quad)), ops::multiply(scalar(delta, lin), lin)), {-1});
}

// ---- classes

MeanSquaredError::MeanSquaredError(LossOptions o)
    : Loss(o.name.empty() ? "mean_squared_error" : o.name, mean_squared_error, o.reduction) {
  set_config("MeanSquaredError", {});
}

MeanAbsoluteError::MeanAbsoluteError(LossOptions o)
    : Loss(o.name.empty() ? "mean_absolute_error" : o.name, mean_absolute_error, o.reduction) {
  set_config("MeanAbsoluteError", {});
}

MeanAbsolutePercentageError::MeanAbsolutePercentageError(LossOptions o)
    : Loss(o.name.empty() ? "mean_absolute_percentage_error" : o.name, mean_absolute_percentage_error, o.reduction) {
  set_config("MeanAbsolutePercentageError", {});
}

MeanSquaredLogarithmicError::MeanSquaredLogarithmicError(LossOptions o)
    : Loss(o.name.empty() ? "mean_squared_logarithmic_error" : o.name, mean_squared_logarithmic_error, o.reduction) {
  set_config("MeanSquaredLogarithmicError", {});
}

LogCosh::LogCosh(LossOptions o) : Loss(o.name.empty() ? "log_cosh" : o.name, log_cosh, o.reduction) {
  set_config("LogCosh", {});
}

CosineSimilarity::CosineSimilarity(CosineSimilarityOptions o)
    : Loss(
          o.name, [o](const Tensor& t, const Tensor& p) { return cosine_similarity(t, p, o.axis); }, o.reduction) {
  set_config("CosineSimilarity", {{"axis", o.axis}});
}

Huber::Huber(HuberOptions o)
    : Loss(
          o.name, [o](const Tensor& t, const Tensor& p) { return huber(t, p, o.delta); }, o.reduction) {
  set_config("Huber", {{"delta", o.delta}});
}

}  // namespace keras::losses
