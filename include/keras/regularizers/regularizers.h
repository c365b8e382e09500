// Weight and activity regularizers (keras.regularizers). A Regularizer is a small value
// like an Initializer: a Keras class name, its arguments, and the function that maps a
// tensor to a scalar penalty. Default-constructed it is "none". Strings resolve like
// Keras's regularizers.get: "l1", "l2", "l1l2" (and the class names), with Keras's
// default factors; "l1_l2" is tf.keras's l1_l2() with 0.01 for both.
//
//   Dense(64, {.kernel_regularizer = regularizers::L2(1e-4)});
//
// Penalties on trainable weights join the loss of every training and evaluation step
// (Keras's model.losses); activity regularizers add a penalty on a layer's output.
#pragma once

#include <functional>
#include <string>

#include "keras/tensor/tensor.h"
#include "keras/utils/config_map.h"
#include "keras/utils/keras_object.h"

namespace keras::regularizers {

class Regularizer : public utils::KerasObject<std::function<Tensor(const Tensor& x)>> {
 public:
  using Fn = FnType;

  Regularizer() = default;                 // none
  Regularizer(std::nullptr_t) {}           // NOLINT: none, as Keras's None
  Regularizer(const char* name);           // NOLINT: implicit, as Keras accepts strings
  Regularizer(const std::string& name);    // NOLINT
  /// A custom regularizer: `fn` returns a scalar.
  Regularizer(std::string class_name, Fn fn, ConfigMap config = {});
  /// Rebuilds a regularizer from Keras's class name and config (ValueError if unknown).
  static Regularizer from_config(const std::string& class_name, const ConfigMap& config);

  /// The penalty (a scalar of x's dtype), differentiable in x.
  Tensor operator()(const Tensor& x) const;
  // explicit operator bool, class_name() and config() come from KerasObject.
};

/// l1 * sum(|x|).
class L1 : public Regularizer { public: explicit L1(double l1 = 0.01); };
/// l2 * sum(x^2).
class L2 : public Regularizer { public: explicit L2(double l2 = 0.01); };
/// l1 * sum(|x|) + l2 * sum(x^2).
class L1L2 : public Regularizer { public: explicit L1L2(double l1 = 0.0, double l2 = 0.0); };

}  // namespace keras::regularizers
