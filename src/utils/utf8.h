// One UTF-8 decoding step, shared by the .npy string writer (which refuses bad text) and
// TextVectorization's character split (which replaces it with U+FFFD).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace keras::utils {

/// The length (1-4) of the well-formed UTF-8 sequence starting at s[i], its code point in
/// `*code_point`; 0 when the bytes there are not one: a bad lead or continuation byte, a
/// sequence cut off by the end, an overlong form, a surrogate or a value past U+10FFFF.
inline size_t utf8_sequence_at(std::string_view s, size_t i, uint32_t* code_point) {
  const auto b = static_cast<unsigned char>(s[i]);
  const size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  uint32_t c = len == 1 ? b : b & (0x7fu >> len);
  for (size_t k = 1; k < len; ++k) {
    const auto cont = static_cast<unsigned char>(s[i + k]);
    if ((cont >> 6) != 2) return 0;
    c = (c << 6) | (cont & 0x3fu);
  }
  const uint32_t least = len == 2 ? 0x80 : len == 3 ? 0x800 : len == 4 ? 0x10000 : 0;
  if (c < least || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
  *code_point = c;
  return len;
}

}  // namespace keras::utils
