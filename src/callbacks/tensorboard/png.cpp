#include "callbacks/tensorboard/png.h"

#include <zlib.h>

#include "keras/errors.h"

namespace keras::callbacks::tensorboard {
namespace {

void put_be32(std::string& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void chunk(std::string& out, const char* type, const std::string& data) {
  put_be32(out, static_cast<uint32_t>(data.size()));
  const std::string body = std::string(type, 4) + data;
  out += body;
  put_be32(out, static_cast<uint32_t>(
                    crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

}  // namespace

std::string encode_png(const std::vector<uint8_t>& pixels, int64_t height, int64_t width, int64_t channels) {
  const int color_type = channels == 1 ? 0 : channels == 3 ? 2 : channels == 4 ? 6 : -1;
  if (color_type < 0 || height <= 0 || width <= 0 || pixels.size() != static_cast<size_t>(height * width * channels))
    throw ValueError(detail::cat("encode_png: bad image ", height, "x", width, "x", channels));
  // Each row starts with its filter type (0: none).
  std::string raw;
  const auto row = static_cast<size_t>(width * channels);
  raw.reserve(static_cast<size_t>(height) * (row + 1));
  for (int64_t y = 0; y < height; ++y) {
    raw.push_back('\0');
    raw.append(reinterpret_cast<const char*>(pixels.data()) + static_cast<size_t>(y) * row, row);
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string z(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(z.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), Z_DEFAULT_COMPRESSION) != Z_OK)
    throw RuntimeError("encode_png: zlib failed");
  z.resize(size);

  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put_be32(ihdr, static_cast<uint32_t>(width));
  put_be32(ihdr, static_cast<uint32_t>(height));
  ihdr += std::string{8, static_cast<char>(color_type), 0, 0, 0};  // depth, color, compression, filter, interlace
  chunk(png, "IHDR", ihdr);
  chunk(png, "IDAT", z);
  chunk(png, "IEND", "");
  return png;
}

}  // namespace keras::callbacks::tensorboard
