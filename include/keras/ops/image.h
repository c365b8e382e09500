// Image ops (keras.ops.image): resize. Channels-last images, (height, width, channels)
// or (batch, height, width, channels). Differentiable and recorded on an active
// GradientTape; the result stays on the images' device.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::ops::image {

/// The interpolations resize takes: Keras's list on its numpy and JAX backends ("bilinear",
/// "nearest", "lanczos3", "lanczos5", "bicubic") and "area", which only its TensorFlow
/// backend has.
inline constexpr std::array<const char*, 6> kResizeInterpolations{"bilinear", "nearest", "lanczos3",
                                                                  "lanczos5", "bicubic", "area"};
/// Whether `interpolation` is one of kResizeInterpolations (lower case, as Keras spells them).
bool is_resize_interpolation(const std::string& interpolation);
/// `"bilinear", "nearest", ...`: the list for error messages.
std::string resize_interpolations_list();

/// keras.ops.image.resize(images, size, interpolation, antialias) with Keras's numpy and
/// JAX backend arithmetic (jax.image.resize / scale_and_translate): half-pixel centres,
/// output pixel j samples input position (j + 0.5) * in / out - 0.5.
/// - "bilinear" (triangle kernel), "bicubic" (Keys cubic, a = -0.5), "lanczos3",
///   "lanczos5": separable weights, each output's weights divided by their sum, so at the
///   edges the weights that would fall outside the image go to the pixels inside (for
///   bilinear: edge clamp). antialias widens the kernel by in / out when downsampling.
/// - "nearest": input pixel floor((j + 0.5) * in / out), computed in float32 as Keras does.
/// - "area": TensorFlow's resize_area, the average of the input cells under each output
///   cell's box [j * in / out, (j + 1) * in / out) (for integer upsampling: repetition).
///   Keras offers it only on the TensorFlow backend; antialias is ignored.
/// Axes whose size does not change are left alone (as in Keras). Not float32 images are
/// computed in float32 and cast back; integer images are a TypeError (cast them first).
/// Not implemented from Keras's signature: crop_to_aspect_ratio, pad_to_aspect_ratio,
/// fill_mode, fill_value, channels_first.
///
///   Tensor y = ops::image::resize(x, {2 * x.dim(1), 2 * x.dim(2)}, "bicubic");
Tensor resize(const Tensor& images, std::array<int64_t, 2> size, const std::string& interpolation = "bilinear",
              bool antialias = false);

/// The weights resize applies along one axis of length `in_len` to give `out_len`
/// values: a row-major (out_len, in_len) matrix, out[j] = sum_i w[j * in_len + i] * in[i],
/// computed in double on the host (as Keras's numpy backend does, before the cast to the
/// images' dtype). "nearest" gives one-hot rows. in_len and out_len must be positive.
std::vector<double> resize_weights(int64_t in_len, int64_t out_len, const std::string& interpolation,
                                   bool antialias = false);

}  // namespace keras::ops::image
