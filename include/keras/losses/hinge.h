// Hinge losses of keras/src/losses/losses.py. Labels of 0 and 1 are turned into -1 and 1
// (Hinge, SquaredHinge), as Keras's convert_binary_labels_to_hinge does.
//
//   model.compile("sgd", "squared_hinge");
#pragma once

#include "keras/losses/loss.h"

namespace keras::losses {

/// mean(maximum(1 - y_true * y_pred, 0)).
class Hinge : public Loss {
 public:
  explicit Hinge(LossOptions o = {});
};
/// mean(square(maximum(1 - y_true * y_pred, 0))).
class SquaredHinge : public Loss {
 public:
  explicit SquaredHinge(LossOptions o = {});
};
/// maximum(neg - pos + 1, 0), pos = sum(y_true * y_pred), neg = max((1 - y_true) * y_pred).
class CategoricalHinge : public Loss {
 public:
  explicit CategoricalHinge(LossOptions o = {});
};

Tensor hinge(const Tensor& y_true, const Tensor& y_pred);
Tensor squared_hinge(const Tensor& y_true, const Tensor& y_pred);
Tensor categorical_hinge(const Tensor& y_true, const Tensor& y_pred);

}  // namespace keras::losses
