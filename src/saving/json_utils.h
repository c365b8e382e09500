// Reading Keras's JSON configs from untrusted files: parsing with size and nesting
// limits, and typed getters whose errors name the file's context.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "keras/tensor/shape.h"
#include "keras/utils/config_map.h"

namespace keras::saving {

using json = nlohmann::ordered_json;

/// Parses `text` (IOError on malformed JSON, more than 64 MiB or nesting deeper than 128).
json parse_json(const std::string& text, const std::string& what);

/// `obj[key]`; IOError naming `ctx` when obj is not an object or the key is missing.
const json& need(const json& obj, const std::string& key, const std::string& ctx);
/// obj[key] if present and not null.
const json* find(const json& obj, const std::string& key);

int64_t to_int(const json& v, const std::string& what);
/// to_int for an index that a file gives (a node or tensor index): IOError outside 0 to 2^31 - 1,
/// never a silent wrap when narrowed.
int to_index(const json& v, const std::string& what);
double to_number(const json& v, const std::string& what);
bool to_bool(const json& v, const std::string& what);
std::string to_string(const json& v, const std::string& what);
/// A shape list; null entries become kNone.
Shape to_shape(const json& v, const std::string& what);
std::vector<int64_t> to_ints(const json& v, const std::string& what);
/// An int or a list of ints, expanded to `n` values (Keras's "int or tuple").
std::vector<int64_t> to_int_tuple(const json& v, size_t n, const std::string& what);

json shape_json(const Shape& s);
json config_map_json(const ConfigMap& c);
ConfigMap to_config_map(const json& obj, const std::string& what);

}  // namespace keras::saving
