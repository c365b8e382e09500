#include "callbacks/python_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <regex>

#include "keras/errors.h"

namespace keras::callbacks::detail {

std::string python_str(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  std::string s(buf, end);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";  // Python shows floats with a point
  return s;
}

std::string python_format(double v, const std::string& spec) {
  if (spec.empty()) return python_str(v);
  // [0][width][.precision][type], the subset checkpoint names use.
  static const std::regex grammar(R"(^(0?)(\d*)(?:\.(\d+))?([dfFeEgG%]?)$)");
  std::smatch m;
  if (!std::regex_match(spec, m, grammar))
    throw ValueError("Unsupported format spec \"" + spec + "\" (use forms like 03d, .2f, .4e)");
  const std::string zero = m[1], width = m[2], precision = m[3];
  std::string type = m[4];
  if (type.empty()) type = "g";
  if (type == "d") {
    if (v != std::floor(v)) throw ValueError("Format spec \"d\" given a non-integer value " + python_str(v));
    char buf[64];
    std::snprintf(buf, sizeof(buf), ("%" + zero + width + "lld").c_str(), static_cast<long long>(v));
    return buf;
  }
  const bool percent = type == "%";
  const std::string conv = percent ? "f" : type;
  const std::string prec = precision.empty() && (conv == "f" || conv == "F" || conv == "e" || conv == "E") ? ".6"
                           : precision.empty()                                                       ? ""
                                                                                                     : "." + precision;
  char buf[128];
  std::snprintf(buf, sizeof(buf), ("%" + zero + width + prec + conv).c_str(), percent ? v * 100 : v);
  return std::string(buf) + (percent ? "%" : "");
}

}  // namespace keras::callbacks::detail
