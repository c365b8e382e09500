// Reading Keras optimizer configs (the dicts get_config writes) into options structs:
// the shared part of every optimizer's from_config.
#pragma once

#include <optional>
#include <string>

#include "keras/errors.h"
#include "keras/optimizers/optimizer.h"
#include "keras/utils/config_map.h"

namespace keras::optimizers::config {

/// A number under `k` (integers accepted), `fallback` when absent or null.
inline double num(const ConfigMap& c, const char* k, double fallback) {
  const ConfigValue* v = config_find(c, k);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return fallback;
  if (const auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(v)) return *d;
  throw ValueError(std::string("Optimizer config: `") + k + "` must be a number");
}
inline std::optional<double> maybe(const ConfigMap& c, const char* k) {
  const ConfigValue* v = config_find(c, k);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return std::nullopt;
  return num(c, k, 0.0);
}
/// An integer under `k` (a whole float such as 4.0 accepted), nullopt when absent or null.
inline std::optional<int64_t> maybe_int(const ConfigMap& c, const char* k) {
  const ConfigValue* v = config_find(c, k);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(v)) return *i;
  if (const auto* d = std::get_if<double>(v); d && *d == static_cast<double>(static_cast<int64_t>(*d)))
    return static_cast<int64_t>(*d);
  throw ValueError(std::string("Optimizer config: `") + k + "` must be an integer");
}
inline bool flag(const ConfigMap& c, const char* k, bool fallback) {
  const ConfigValue* v = config_find(c, k);
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return fallback;
  if (const auto* b = std::get_if<bool>(v)) return *b;
  throw ValueError(std::string("Optimizer config: `") + k + "` must be true or false");
}
inline std::string text(const ConfigMap& c, const char* k, const std::string& fallback) {
  const ConfigValue* v = config_find(c, k);
  if (const auto* s = v ? std::get_if<std::string>(v) : nullptr) return *s;
  return fallback;
}

/// Fills the arguments every optimizer takes (base_optimizer.py's get_config keys). A
/// learning_rate that is a schedule (a nested dict) is absent from the flat config and
/// is set afterwards by the saving module.
template <class O>
void read_common(const ConfigMap& c, O& o) {
  o.learning_rate = num(c, "learning_rate", o.learning_rate.value());
  o.weight_decay = config_find(c, "weight_decay") ? maybe(c, "weight_decay") : o.weight_decay;
  o.clipnorm = maybe(c, "clipnorm");
  o.clipvalue = maybe(c, "clipvalue");
  o.global_clipnorm = maybe(c, "global_clipnorm");
  o.use_ema = flag(c, "use_ema", false);
  o.ema_momentum = num(c, "ema_momentum", 0.99);
  o.ema_overwrite_frequency = maybe_int(c, "ema_overwrite_frequency");
  o.loss_scale_factor = maybe(c, "loss_scale_factor");
  o.gradient_accumulation_steps = maybe_int(c, "gradient_accumulation_steps");
  o.name = text(c, "name", o.name);
}

}  // namespace keras::optimizers::config
