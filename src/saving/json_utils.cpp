#include "saving/json_utils.h"

#include <algorithm>
#include <cmath>

#include "keras/errors.h"

namespace keras::saving {

using keras::detail::cat;

namespace {
constexpr size_t kMaxJsonBytes = size_t{64} << 20;
constexpr int kMaxDepth = 128;

const char* type_name(const json& v) { return v.type_name(); }
}  // namespace

json parse_json(const std::string& text, const std::string& what) {
  if (text.size() > kMaxJsonBytes) throw IOError(cat(what, ": JSON larger than 64 MiB"));
  // Check the nesting before the parser sees it (strings may contain brackets).
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char ch : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (ch == '\\') escaped = true;
      else if (ch == '"') in_string = false;
      continue;
    }
    if (ch == '"') in_string = true;
    else if (ch == '[' || ch == '{') {
      if (++depth > kMaxDepth) throw IOError(cat(what, ": JSON nested deeper than ", kMaxDepth, " levels"));
    } else if (ch == ']' || ch == '}') {
      --depth;
    }
  }
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw IOError(cat(what, ": malformed JSON"));
  return j;
}

const json& need(const json& obj, const std::string& key, const std::string& ctx) {
  if (!obj.is_object()) throw IOError(cat(ctx, ": expected an object, found ", type_name(obj)));
  auto it = obj.find(key);
  if (it == obj.end()) throw IOError(cat(ctx, ": missing \"", key, "\""));
  return *it;
}

const json* find(const json& obj, const std::string& key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

int64_t to_int(const json& v, const std::string& what) {
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    throw IOError(cat(what, ": ", v.dump(), " is out of range"));
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) return static_cast<int64_t>(d);
  }
  throw IOError(cat(what, ": expected an integer, found ", type_name(v), " ", v.dump().substr(0, 40)));
}

int to_index(const json& v, const std::string& what) {
  const int64_t i = to_int(v, what);
  if (i < 0 || i > INT32_MAX) throw IOError(cat(what, ": index ", i, " is out of range (0 to ", INT32_MAX, ")"));
  return static_cast<int>(i);
}

double to_number(const json& v, const std::string& what) {
  if (v.is_number()) return v.get<double>();
  throw IOError(cat(what, ": expected a number, found ", type_name(v)));
}

bool to_bool(const json& v, const std::string& what) {
  if (v.is_boolean()) return v.get<bool>();
  throw IOError(cat(what, ": expected true or false, found ", type_name(v)));
}

std::string to_string(const json& v, const std::string& what) {
  if (v.is_string()) return v.get<std::string>();
  throw IOError(cat(what, ": expected a string, found ", type_name(v)));
}

Shape to_shape(const json& v, const std::string& what) {
  if (!v.is_array()) throw IOError(cat(what, ": expected a shape list, found ", type_name(v)));
  if (v.size() > 64) throw IOError(cat(what, ": shape of rank ", v.size()));
  Shape s;
  for (const auto& d : v) {
    if (d.is_null()) {
      s.push_back(kNone);
      continue;
    }
    const int64_t n = to_int(d, what);
    if (n < 0 || n > (int64_t{1} << 40)) throw IOError(cat(what, ": invalid dimension ", n));
    s.push_back(n);
  }
  return s;
}

std::vector<int64_t> to_ints(const json& v, const std::string& what) {
  if (!v.is_array()) throw IOError(cat(what, ": expected a list of integers, found ", type_name(v)));
  if (v.size() > 64) throw IOError(cat(what, ": list too long"));
  std::vector<int64_t> out;
  for (const auto& x : v) out.push_back(to_int(x, what));
  return out;
}

std::vector<int64_t> to_int_tuple(const json& v, size_t n, const std::string& what) {
  if (v.is_number()) return std::vector<int64_t>(n, to_int(v, what));
  auto out = to_ints(v, what);
  if (out.size() != n) throw IOError(cat(what, ": expected ", n, " values, found ", out.size()));
  return out;
}

json shape_json(const Shape& s) {
  json a = json::array();
  for (int64_t d : s) a.push_back(d == kNone ? json(nullptr) : json(d));
  return a;
}

json config_map_json(const ConfigMap& c) {
  json o = json::object();
  for (const auto& kv : c) {
    const std::string& key = kv.first;  // (clang 14 cannot capture structured bindings)
    std::visit([&](const auto& x) { o[key] = x; }, kv.second);
  }
  return o;
}

ConfigMap to_config_map(const json& obj, const std::string& what) {
  if (!obj.is_object()) throw IOError(cat(what, ": expected an object, found ", type_name(obj)));
  ConfigMap c;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const json& v = it.value();
    if (v.is_null()) c.push_back({it.key(), nullptr});
    else if (v.is_boolean()) c.push_back({it.key(), v.get<bool>()});
    else if (v.is_number_integer()) c.push_back({it.key(), v.get<int64_t>()});
    else if (v.is_number()) c.push_back({it.key(), v.get<double>()});
    else if (v.is_string()) c.push_back({it.key(), v.get<std::string>()});
    else if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_number_integer(); }))
      c.push_back({it.key(), v.get<std::vector<int64_t>>()});
    else if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_number(); }))
      c.push_back({it.key(), v.get<std::vector<double>>()});
    else if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); }))
      c.push_back({it.key(), v.get<std::vector<std::string>>()});
    // other nested values (lists, objects) are not part of these flat configs; they are skipped
  }
  return c;
}

}  // namespace keras::saving
