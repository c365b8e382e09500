// keras.utils image helpers (keras/src/utils/image_utils.py): load_img, img_to_array,
// array_to_img, save_img, smart_resize. Keras hands PIL images around; here an Image
// holds the decoded pixels as a tensor. PNG (libpng) and JPEG (libjpeg-turbo) are read
// and written; the format of a file is told by its first bytes, not its name.
//
// Files are untrusted input: a corrupt, truncated or hostile file gives a ValueError
// naming it (never a crash), and an image of more than max_image_pixels() pixels is
// refused before any pixel memory is allocated (as PIL's DecompressionBombError).
//
//   auto img = utils::load_img("cat.jpg", {.target_size = {{224, 224}}, .interpolation = "bilinear"});
//   Tensor x = utils::img_to_array(img);          // float32 (224, 224, 3), values 0..255
//   utils::save_img("cat_small.png", x);          // scaled to 0..255, written atomically
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "keras/tensor/tensor.h"

namespace keras::utils {

/// What load_img returns in place of a PIL image: channels-last pixels and PIL's mode name.
/// - "L", "RGB", "RGBA": uint8 (height, width, 1 | 3 | 4);
/// - "I": int32 (height, width, 1), the 0..65535 values of a 16-bit grey PNG read with
///   color_mode "grayscale" (PIL keeps those as 16-bit too), or of array_to_img on one
///   channel above 255.
struct Image {
  Tensor pixels;
  std::string mode;
  int64_t height() const { return pixels.dim(0); }
  int64_t width() const { return pixels.dim(1); }
  int64_t channels() const { return pixels.dim(2); }
};

/// load_img's keyword arguments, in Keras's order and with its defaults.
struct LoadImgOptions {
  /// "grayscale" (1 channel, ITU-R 601-2 luma as PIL: L = R 299/1000 + G 587/1000 +
  /// B 114/1000), "rgb" (alpha dropped) or "rgba" (alpha 255 where the file has none).
  std::string color_mode = "rgb";
  /// (height, width) to resize to; none keeps the file's size.
  std::optional<std::array<int64_t, 2>> target_size{};
  /// As PIL resamples: "nearest" (pixel floor((j + 0.5) * in / out)), and the antialiased
  /// filters (widened by in / out when shrinking, weights normalised per output pixel)
  /// "bilinear" (triangle), "bicubic" (Keys, a = -0.5), "lanczos" (Lanczos-3), plus "area"
  /// (TensorFlow's resize_area). Computed in double and rounded once, so a value may differ
  /// by one from PIL, which rounds after each axis. PIL's "box" and "hamming" are refused.
  std::string interpolation = "nearest";
  /// Crop the centre of the image to the target's aspect ratio before resizing (Keras's
  /// integer arithmetic), instead of stretching it.
  bool keep_aspect_ratio = false;
};

/// Reads and decodes the PNG or JPEG file at `path`, converts it to `color_mode` and
/// resizes it. IOError when the file cannot be read; ValueError naming the file when it
/// is not a PNG or JPEG, is corrupt or truncated, or has more than max_image_pixels().
/// A 16-bit PNG gives 8-bit values (the high byte) except in "grayscale" mode ("I").
Image load_img(const std::string& path, const LoadImgOptions& options = {});
/// The same from the bytes of a file in memory; `name` is what error messages call it.
Image decode_img(std::string_view bytes, const LoadImgOptions& options = {}, const std::string& name = "<memory>");

/// The most pixels (width * height) a decoded image may have: default 178956970, PIL's
/// DecompressionBombError threshold (2 * Image.MAX_IMAGE_PIXELS). Must be positive.
int64_t max_image_pixels();
void set_max_image_pixels(int64_t pixels);

/// keras.utils.img_to_array: the pixels as a (height, width, channels) tensor of `dtype`
/// (channels first: (channels, height, width)). data_format "" is "channels_last".
Tensor img_to_array(const Image& img, const std::string& data_format = "", DType dtype = DType::float32);

/// keras.utils.array_to_img: a rank-3 array to an Image. With `scale`, values are first
/// shifted and scaled to span 0..255 (x - min, / max if max != 0, * 255); then they are
/// truncated to integers as numpy's astype does (clamped to the mode's range first).
/// 4 channels give "RGBA", 3 "RGB", 1 "L" (or "I" when a value is above 255).
Image array_to_img(const Tensor& x, const std::string& data_format = "", bool scale = true);

/// save_img's keyword arguments after the array.
struct SaveImgOptions {
  std::string data_format{};
  /// "png", "jpeg" or "jpg"; "" takes it from the path's extension.
  std::string file_format{};
  bool scale = true;
  /// JPEG quality (1..95 as PIL advises; PIL's default 75). Ignored for PNG.
  int quality = 75;
};

/// keras.utils.save_img: array_to_img(x) written as PNG or JPEG, atomically (a
/// temporary file renamed over `path`). RGBA saved as JPEG loses its alpha (Keras warns;
/// so do we, on stderr). An "I" image is written as a 16-bit grey PNG (JPEG refuses it).
void save_img(const std::string& path, const Tensor& x, const SaveImgOptions& options = {});
/// Encodes an Image as a PNG or JPEG file in memory ("png" or "jpeg").
std::string encode_img(const Image& img, const std::string& file_format, int quality = 75);

/// keras.preprocessing.image.smart_resize: crops the largest centred window with the
/// aspect ratio of `size` (height, width), then resizes it with keras.ops.image.resize.
/// x is (height, width, channels) or (batch, height, width, channels) (channels first
/// with data_format "channels_first"), floating point.
Tensor smart_resize(const Tensor& x, std::array<int64_t, 2> size, const std::string& interpolation = "bilinear",
                    const std::string& data_format = "channels_last");

}  // namespace keras::utils
