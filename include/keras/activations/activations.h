// Activation functions (keras.activations). An Activation is a small value: the Keras
// name and the function, so options structs take strings as Keras does:
//   Dense(128, "relu");  Conv2D(32, 3, {.activation = "swish"});
// The default-constructed Activation is "linear" (Keras's None).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::activations {

class Activation {
 public:
  using Fn = std::function<Tensor(const Tensor&)>;

  Activation() = default;  // linear
  /// By Keras name; ValueError naming the string if unknown.
  Activation(const char* name);         // NOLINT: implicit, as Keras accepts strings
  Activation(const std::string& name);  // NOLINT
  /// A custom function built from differentiable ops.
  Activation(std::string name, Fn fn);

  Tensor operator()(const Tensor& x) const { return fn_ ? fn_(x) : x; }
  const std::string& name() const { return name_; }
  bool is_linear() const { return !fn_; }
  /// True for the library's own function of that name (not a custom one named alike).
  bool is_builtin(const std::string& name) const { return builtin_ && name_ == name; }

 private:
  std::string name_ = "linear";
  Fn fn_;
  bool builtin_ = true;
};

/// Every name Activation accepts.
std::vector<std::string> names();

}  // namespace keras::activations
