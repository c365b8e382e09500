// A minimal PNG encoder (8-bit grayscale, RGB or RGBA, zlib-compressed, no filtering) for
// the images the TensorBoard callback writes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace keras::callbacks::tensorboard {

/// `pixels` holds height * width * channels bytes, row by row; channels is 1, 3 or 4.
std::string encode_png(const std::vector<uint8_t>& pixels, int64_t height, int64_t width, int64_t channels);

}  // namespace keras::callbacks::tensorboard
