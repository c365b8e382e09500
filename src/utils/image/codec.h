// The PNG and JPEG codecs behind keras/utils/image_utils.h. libpng and libjpeg headers
// stay in png_codec.cpp and jpeg_codec.cpp; this header is plain C++.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keras::utils::image_detail {

/// Pixels as a file stores them, interleaved, row after row.
struct Decoded {
  int64_t height = 0, width = 0;
  /// 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.
  int channels = 0;
  /// 8-bit samples (u8), or 16-bit grey samples (u16, grey PNGs only: other 16-bit PNGs
  /// are reduced to their high byte while decoding).
  std::vector<uint8_t> u8{};
  std::vector<uint16_t> u16{};
  bool sixteen_bit() const { return !u16.empty(); }
};

/// What the first bytes say the data is: "png", "jpeg", "gif", "bmp" or "".
std::string sniff_format(std::string_view bytes);

/// Decoders: ValueError naming `name` on corrupt or truncated data, or when the image has
/// more than `max_pixels` pixels (checked from the header, before allocating pixels).
Decoded decode_png(std::string_view bytes, const std::string& name, int64_t max_pixels);
Decoded decode_jpeg(std::string_view bytes, const std::string& name, int64_t max_pixels);

/// Encoders of interleaved pixels (channels 1, 3 or 4 for PNG, 1 or 3 for JPEG); PNG takes
/// 16-bit grey samples (channels 1) from `u16` when it is not empty.
std::string encode_png(int64_t height, int64_t width, int channels, const uint8_t* u8, const uint16_t* u16);
std::string encode_jpeg(int64_t height, int64_t width, int channels, const uint8_t* u8, int quality);

/// Resizes float pixels (height, width, channels), interleaved, with the weights of
/// keras::ops::image::resize_weights along each axis that changes (rows first, then
/// columns), applied sparsely: only each output's non-zero span of inputs is read.
std::vector<float> resize_hwc(const std::vector<float>& src, int64_t height, int64_t width, int64_t channels,
                              int64_t out_height, int64_t out_width, const std::string& interpolation, bool antialias);

/// The bytes of an image file: IOError when it cannot be read, ValueError when it is
/// larger than any image of max_image_pixels() pixels can be.
std::string read_image_file(const std::string& path);
/// PNG or JPEG by the first bytes; ValueError naming `name` for anything else.
Decoded decode_any(std::string_view bytes, const std::string& name);
/// 8-bit pixels with 1 (PIL's luma), 3 or 4 channels; 16-bit samples give their high byte.
std::vector<uint8_t> to_channels(const Decoded& d, int channels);
/// 1, 3 or 4 for "grayscale", "rgb", "rgba"; ValueError naming `fn` otherwise.
int channels_of_color_mode(const std::string& color_mode, const char* fn);

}  // namespace keras::utils::image_detail
