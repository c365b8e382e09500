// Reading numbers out of the flat configs (ConfigMap) that Keras objects are rebuilt from.
#pragma once

#include <string>

#include "keras/errors.h"
#include "keras/utils/config_map.h"

namespace keras::utils {

/// The number under `key` (an integer or a float), `fallback` when absent or null;
/// ValueError naming `owner` and the key when it is something else.
inline double config_number(const ConfigMap& c, const char* key, double fallback, const char* owner) {
  const ConfigValue* v = config_find(c, key);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return fallback;
  if (const auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(v)) return *d;
  throw ValueError(detail::cat(owner, " argument \"", key, "\" must be a number"));
}

}  // namespace keras::utils
