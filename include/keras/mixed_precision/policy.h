// Dtype policies (keras.mixed_precision / keras.config.set_dtype_policy): the dtype a
// layer computes in and the dtype of its variables. "mixed_bfloat16" and "mixed_float16"
// compute in 16 bits and keep float32 variables: a layer casts its floating inputs to the
// compute dtype and, inside its call, reads its float variables cast to it (AutocastScope,
// keras/variables/variable.h), so gradients reach the float32 variables through the cast.
//   keras::mixed_precision::set_global_policy("mixed_bfloat16");  // layers made after it
//   layers::Dense(10, {.dtype = "float32"});                     // one layer in float32
#pragma once

#include <string>
#include <string_view>

#include "keras/tensor/dtype.h"

namespace keras::mixed_precision {

class DTypePolicy {
 public:
  /// The policy of one dtype: computes in it and keeps variables in it.
  DTypePolicy(DType dtype);  // NOLINT: a dtype is a policy wherever one is expected
  /// "float32", "bfloat16", ..., "mixed_bfloat16" or "mixed_float16"; ValueError otherwise.
  DTypePolicy(std::string_view name);                                            // NOLINT
  DTypePolicy(const char* name) : DTypePolicy(std::string_view(name)) {}         // NOLINT
  DTypePolicy(const std::string& name) : DTypePolicy(std::string_view(name)) {}  // NOLINT

  const std::string& name() const { return name_; }
  DType compute_dtype() const { return compute_; }
  DType variable_dtype() const { return variable_; }
  /// Whether it computes in another dtype than it stores variables in.
  bool is_mixed() const { return compute_ != variable_; }
  bool operator==(const DTypePolicy& other) const { return name_ == other.name_; }

 private:
  std::string name_;
  DType compute_, variable_;
};

/// Keras's older name for it.
using Policy = DTypePolicy;

/// The policy layers (and models) made from now on take when given no dtype; "float32"
/// until set. Thread-safe; layers already made keep theirs.
void set_global_policy(const DTypePolicy& policy);
DTypePolicy global_policy();

}  // namespace keras::mixed_precision

namespace keras::config {
/// keras.config.set_dtype_policy / dtype_policy: the same global policy.
inline void set_dtype_policy(const mixed_precision::DTypePolicy& policy) { mixed_precision::set_global_policy(policy); }
inline mixed_precision::DTypePolicy dtype_policy() { return mixed_precision::global_policy(); }
}  // namespace keras::config
