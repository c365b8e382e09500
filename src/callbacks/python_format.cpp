#include "callbacks/python_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <regex>

#include "keras/errors.h"

namespace keras::callbacks::detail {

namespace {
/// Python's repr rules over the shortest digits std::to_chars finds for `v`'s own type.
template <class F>
std::string shortest_repr(F v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // Python's repr: the shortest digits that read back exactly, written in fixed notation
  // when the decimal exponent is in [-4, 16), else as 1.5e+16 / 1e-05.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  const std::string sci(buf, end);
  const size_t e_pos = sci.find('e');
  const int exponent = std::stoi(sci.substr(e_pos + 1));
  if (exponent < -4 || exponent >= 16) return sci;
  std::string mantissa = sci.substr(0, e_pos);
  const bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (char c : mantissa)
    if (c != '.') digits += c;
  std::string out;
  if (exponent < 0) {
    out = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  } else {
    const size_t int_len = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= int_len) out = digits + std::string(int_len - digits.size(), '0') + ".0";
    else out = digits.substr(0, int_len) + "." + digits.substr(int_len);
  }
  return negative ? "-" + out : out;
}
}  // namespace

std::string python_str(double v) { return shortest_repr(v); }
std::string python_str(float v) { return shortest_repr(v); }

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
    if (!std::isfinite(v) || std::abs(v) > 9e18)
      throw ValueError("Format spec \"d\" given a value that is not an integer: " + python_str(v));
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
