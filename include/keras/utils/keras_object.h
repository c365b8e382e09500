// The small value that Keras's serializable callables share (regularizers, constraints):
// a Keras class name, the function it stands for, and the config that rebuilds it.
// Default-constructed (or from nullptr) it is "none", as Keras's None, and tests false.
//
//   class Regularizer : public utils::KerasObject<std::function<Tensor(const Tensor&)>> { ... };
//
// The derived class keeps its own constructors (names, from_config) and operator(), so
// each family words its own errors; the storage and accessors live here once.
#pragma once

#include <string>
#include <utility>

#include "keras/utils/config_map.h"

namespace keras::utils {

template <class Fn>
class KerasObject {
 public:
  using FnType = Fn;

  KerasObject() = default;
  KerasObject(std::string class_name, Fn fn, ConfigMap config = {})
      : class_name_(std::move(class_name)), fn_(std::move(fn)), config_(std::move(config)) {}

  /// False when this is "none".
  explicit operator bool() const { return static_cast<bool>(fn_); }
  const std::string& class_name() const { return class_name_; }
  const ConfigMap& config() const { return config_; }

 protected:
  const Fn& fn() const { return fn_; }

 private:
  std::string class_name_;
  Fn fn_;
  ConfigMap config_;
};

}  // namespace keras::utils
