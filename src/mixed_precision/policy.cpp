#include "keras/mixed_precision/policy.h"

#include <mutex>

#include "keras/errors.h"
#include "utils/excerpt.h"

namespace keras::mixed_precision {

DTypePolicy::DTypePolicy(DType dtype) : name_(dtype_name(dtype)), compute_(dtype), variable_(dtype) {}

DTypePolicy::DTypePolicy(std::string_view name) : name_(name) {
  if (name == "mixed_bfloat16" || name == "mixed_float16") {
    compute_ = name == "mixed_bfloat16" ? DType::bfloat16 : DType::float16;
    variable_ = DType::float32;
    return;
  }
  try {
    compute_ = variable_ = dtype_from_name(name);
  } catch (const ValueError&) {
    throw ValueError(detail::cat("Cannot convert '", utils::excerpt(name),
                                 "' to a mixed precision DTypePolicy. Valid policies include 'mixed_float16', "
                                 "'mixed_bfloat16', and the name of any float dtype such as 'float32'."));
  }
}

namespace {
std::mutex g_mutex;
DTypePolicy& global() {
  static DTypePolicy policy(DType::float32);
  return policy;
}
}  // namespace

void set_global_policy(const DTypePolicy& policy) {
  if (!is_floating(policy.compute_dtype()))
    throw ValueError(
        detail::cat("set_global_policy: the global policy must be a floating point policy, got '", policy.name(), "'"));
  std::lock_guard<std::mutex> lock(g_mutex);
  global() = policy;
}

DTypePolicy global_policy() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return global();
}

}  // namespace keras::mixed_precision
