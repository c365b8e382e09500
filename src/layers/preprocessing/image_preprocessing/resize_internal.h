// What Resizing and CenterCrop share: Keras's image.resize with crop_to_aspect_ratio and
// pad_to_aspect_ratio (keras/src/backend/numpy/image.py), smart_resize
// (keras/src/utils/image_utils.py), and the layout handling of image layers (rank 3 or
// 4, channels last or first). Everything is built from differentiable ops.
#pragma once

#include <array>
#include <string>

#include "keras/errors.h"
#include "keras/ops/core.h"
#include "keras/ops/image.h"
#include "keras/tensor/tensor.h"

namespace keras::layers::detail {

/// Runs `fn` on `images` as a channels-last batch (batch, height, width, channels) and
/// returns its result in the images' own layout (rank 3 or 4, channels last or first).
template <class Fn>
Tensor on_nhwc(const Tensor& images, bool channels_first, Fn&& fn) {
  Tensor x = images.rank() == 3 ? ops::expand_dims(images, 0) : images;
  if (channels_first) x = ops::transpose(x, {0, 2, 3, 1});
  Tensor y = fn(x);
  if (channels_first) y = ops::transpose(y, {0, 3, 1, 2});
  return images.rank() == 3 ? ops::squeeze(y, 0) : y;
}

/// The largest centred window of a (batch, height, width, channels) batch with the
/// aspect ratio of (target_height, target_width), in Keras's arithmetic.
inline Tensor crop_to_aspect_ratio(const Tensor& x, int64_t target_height, int64_t target_width) {
  const int64_t height = x.dim(1), width = x.dim(2);
  int64_t crop_height =
      static_cast<int64_t>(static_cast<double>(width * target_height) / static_cast<double>(target_width));
  crop_height = std::max<int64_t>(std::min(height, crop_height), 1);
  int64_t crop_width =
      static_cast<int64_t>(static_cast<double>(height * target_width) / static_cast<double>(target_height));
  crop_width = std::max<int64_t>(std::min(width, crop_width), 1);
  const auto hstart = static_cast<int64_t>(static_cast<double>(height - crop_height) / 2);
  const auto wstart = static_cast<int64_t>(static_cast<double>(width - crop_width) / 2);
  if (crop_height == height && crop_width == width) return x;
  return ops::slice(x, {0, hstart, wstart, 0}, {x.dim(0), crop_height, crop_width, x.dim(3)});
}

/// The batch padded evenly on its short side with `fill_value` to the aspect ratio of
/// (target_height, target_width), in Keras's arithmetic (the same number of rows, or
/// columns, on both sides).
inline Tensor pad_to_aspect_ratio(const Tensor& x, int64_t target_height, int64_t target_width, double fill_value) {
  const int64_t height = x.dim(1), width = x.dim(2);
  const int64_t pad_height = std::max(
      height, static_cast<int64_t>(static_cast<double>(width * target_height) / static_cast<double>(target_width)));
  const int64_t pad_width = std::max(
      width, static_cast<int64_t>(static_cast<double>(height * target_width) / static_cast<double>(target_height)));
  const auto hstart = static_cast<int64_t>(static_cast<double>(pad_height - height) / 2);
  const auto wstart = static_cast<int64_t>(static_cast<double>(pad_width - width) / 2);
  if (hstart > 0) return ops::pad(x, {{0, 0}, {hstart, hstart}, {0, 0}, {0, 0}}, fill_value);
  if (wstart > 0) return ops::pad(x, {{0, 0}, {0, 0}, {wstart, wstart}, {0, 0}}, fill_value);
  return x;
}

/// keras.utils.smart_resize on a (batch, height, width, channels) batch: crop to the
/// target's aspect ratio, then resize.
inline Tensor smart_resize(const Tensor& x, int64_t height, int64_t width, const std::string& interpolation) {
  return ops::image::resize(crop_to_aspect_ratio(x, height, width), {height, width}, interpolation);
}

/// Keras's standardize_data_format check, naming the layer in `fail`.
inline std::string bad_data_format_message(const std::string& data_format) {
  if (data_format == "channels_last" || data_format == "channels_first") return {};
  return keras::detail::cat(
      "The `data_format` argument must be one of {\"channels_first\", \"channels_last\"}. Received: data_format=",
      data_format);
}

}  // namespace keras::layers::detail
