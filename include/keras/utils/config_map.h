// Flat, ordered configurations (the get_config() dicts of initializers, losses, metrics
// and optimizers) without tying the core headers to a JSON library; the saving module
// turns them into Keras's JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace keras {

// Lists of integers carry axes (constraints' `axis`), lists of numbers a schedule's values,
// lists of strings patterns (Muon's `exclude_layers`).
using ConfigValue = std::variant<std::nullptr_t, bool, int64_t, double, std::string, std::vector<int64_t>,
                                 std::vector<double>, std::vector<std::string>>;
using ConfigMap = std::vector<std::pair<std::string, ConfigValue>>;

/// The value under `key`, or nullopt.
inline const ConfigValue* config_find(const ConfigMap& c, const std::string& key) {
  for (const auto& [k, v] : c)
    if (k == key) return &v;
  return nullptr;
}

}  // namespace keras
