// Matching the identifiers Keras accepts as strings: "glorot_uniform", "GlorotUniform"
// and "glorotuniform" all name the same thing.
#pragma once

#include <cctype>
#include <string>

namespace keras::utils {

/// ASCII lower case (option values such as "Same", file extensions, URL schemes).
inline std::string ascii_lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Lower case without underscores.
inline std::string canonical_name(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace keras::utils
