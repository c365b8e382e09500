// Quoting a string that came from a file or a user in an error message: a hostile 10 KB
// name must not be echoed whole (a log line per attempt), only enough to recognise it.
#pragma once

#include <string>
#include <string_view>

namespace keras::utils {

/// `s` itself when at most `max` bytes, else its first `max` bytes, "...", and its length.
inline std::string excerpt(std::string_view s, size_t max = 64) {
  if (s.size() <= max) return std::string(s);
  return std::string(s.substr(0, max)) + "... (" + std::to_string(s.size()) + " bytes)";
}

}  // namespace keras::utils
