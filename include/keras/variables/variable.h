// A weight: a named tensor that keeps its identity while its values change (keras.Variable).
// Copies of a Variable share it. Trainable variables are gradient-tape leaves.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "keras/tensor/tensor.h"

namespace keras {

namespace regularizers { class Regularizer; }
namespace constraints { class Constraint; }

class Variable {
 public:
  Variable() = default;
  Variable(const Tensor& initial_value, std::string name, bool trainable = true);

  bool defined() const { return state_ != nullptr; }
  /// The current value (shares memory with the variable; do not keep it across assign()).
  /// Inside an AutocastScope a float variable that autocasts reads as its value cast to
  /// the scope's dtype (differentiably); raw() is the stored value always.
  const Tensor& value() const;
  const Tensor& raw() const;
  operator const Tensor&() const { return value(); }  // NOLINT: use a variable wherever a tensor goes

  /// Copies `v` into the variable (shapes must match; dtype is converted; a value on
  /// another device is copied to the variable's).
  void assign(const Tensor& v);
  /// Declares that the value's memory was written in place, by a kernel given value()
  /// (optimizer updates; Optimizer::apply_gradients calls it). Data a backend derived from
  /// the old contents (a convolution kernel kept in oneDNN's layout) is then rebuilt.
  /// Writing a variable any other way than assign() or an optimizer must call it.
  void note_written();
  /// Moves the value to `device`. The Variable keeps its identity (optimizer slots and
  /// models find it by id()); tensors taken from value() before stay where they were.
  void to(Device device);
  Device device() const { return raw().device(); }

  const std::string& name() const;
  /// "layer_name/weight_name" once a layer owns it.
  const std::string& path() const;
  void set_path(std::string path);
  bool trainable() const;
  void set_trainable(bool trainable);
  /// Whether value() casts it inside an AutocastScope (Keras's `autocast`; true unless a
  /// layer opts out, as BatchNormalization does for the statistics it keeps in float32).
  bool autocast() const { return state_ && state_->autocast; }
  void set_autocast(bool autocast);
  const Shape& shape() const { return raw().shape(); }
  DType dtype() const { return raw().dtype(); }

  /// Keras's variable.regularizer (its penalty joins the loss) and variable.constraint
  /// (applied after each optimizer update); null when none.
  const regularizers::Regularizer* regularizer() const { return state_ ? state_->regularizer.get() : nullptr; }
  const constraints::Constraint* constraint() const { return state_ ? state_->constraint.get() : nullptr; }
  void set_regularizer(const regularizers::Regularizer& r);
  void set_constraint(const constraints::Constraint& c);

  bool operator==(const Variable& other) const { return state_ == other.state_; }
  const void* id() const { return state_.get(); }

 private:
  struct State {
    Tensor value;
    std::string name, path;
    bool trainable = true;
    bool autocast = true;
    std::shared_ptr<const regularizers::Regularizer> regularizer;
    std::shared_ptr<const constraints::Constraint> constraint;
  };
  std::shared_ptr<State> state_;
};

/// Keras's AutocastScope: while one is open on this thread, float variables that autocast
/// read as their value cast to `dtype` (each variable is cast once per scope); with no
/// dtype, they read as stored. Layers open one around their call (Layer::operator()).
/// Scopes nest; the innermost counts.
class AutocastScope {
 public:
  explicit AutocastScope(std::optional<DType> dtype);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;
  std::optional<DType> dtype() const { return dtype_; }
  /// The innermost open scope on this thread, or null.
  static AutocastScope* current();
  /// `v`'s value as this scope reads it.
  const Tensor& read(const Variable& v);

 private:
  std::optional<DType> dtype_;
  std::unordered_map<const void*, Tensor> cast_;  // by Variable::id()
  AutocastScope* outer_;
};

}  // namespace keras
