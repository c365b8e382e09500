// Hinge losses, following keras/src/losses/losses.py (hinge, squared_hinge,
// categorical_hinge, convert_binary_labels_to_hinge).
#include "keras/losses/hinge.h"

#include "keras/ops/math.h"
#include "losses/loss_utils.h"

namespace keras::losses {

using namespace detail;  // NOLINT: this file's own helpers

namespace {

/// Labels that are all 0 or 1 become -1 or 1 (Keras decides on the whole batch).
Tensor hinge_labels(const Tensor& y_true) {
  for (float v : y_true.to_vector<float>())
    if (v != 0.f && v != 1.f) return y_true;
  return ops::subtract(ops::multiply(y_true, scalar(2.0, y_true)), scalar(1.0, y_true));
}

Tensor hinge_margin(const Tensor& y_true_in, const Tensor& y_pred_in, const char* loss) {
  auto [y_true, y_pred] = float_pair(y_true_in, y_pred_in);
  check_same_shape(y_true, y_pred, loss);
  const Tensor t = hinge_labels(y_true);
  return ops::maximum(ops::subtract(scalar(1.0, y_pred), ops::multiply(t, y_pred)), scalar(0.0, y_pred));
}

}  // namespace

Tensor hinge(const Tensor& y_true, const Tensor& y_pred) {
  return ops::mean(hinge_margin(y_true, y_pred, "hinge"), {-1});
}

Tensor squared_hinge(const Tensor& y_true, const Tensor& y_pred) {
  return ops::mean(ops::square(hinge_margin(y_true, y_pred, "squared_hinge")), {-1});
}

Tensor categorical_hinge(const Tensor& y_true_in, const Tensor& y_pred_in) {
  auto [y_true, y_pred] = float_pair(y_true_in, y_pred_in);
  check_same_shape(y_true, y_pred, "categorical_hinge");
  const Tensor pos = ops::sum(ops::multiply(y_true, y_pred), {-1});
  const Tensor neg = ops::max(ops::multiply(ops::subtract(scalar(1.0, y_true), y_true), y_pred), {-1});
  return ops::maximum(ops::add(ops::subtract(neg, pos), scalar(1.0, pos)), scalar(0.0, pos));
}

Hinge::Hinge(LossOptions o) : Loss(o.name.empty() ? "hinge" : o.name, hinge, o.reduction) { set_config("Hinge", {}); }

SquaredHinge::SquaredHinge(LossOptions o)
    : Loss(o.name.empty() ? "squared_hinge" : o.name, squared_hinge, o.reduction) {
  set_config("SquaredHinge", {});
}

CategoricalHinge::CategoricalHinge(LossOptions o)
    : Loss(o.name.empty() ? "categorical_hinge" : o.name, categorical_hinge, o.reduction) {
  set_config("CategoricalHinge", {});
}

}  // namespace keras::losses
