// Image ops (keras.ops.image): resize, affine_transform, and the colour-space
// conversions of the augmentation layers. Channels-last images, (height, width, channels)
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

/// The interpolations and fill modes affine_transform takes (Keras's lists).
inline constexpr std::array<const char*, 2> kAffineInterpolations{"nearest", "bilinear"};
inline constexpr std::array<const char*, 4> kAffineFillModes{"constant", "nearest", "wrap", "reflect"};

/// keras.ops.image.affine_transform(images, transform, interpolation, fill_mode,
/// fill_value) with the arithmetic of Keras's JAX backend (jax.scipy.ndimage's
/// map_coordinates). `transform` is (8) or (batch, 8): [a0, a1, a2, b0, b1, b2, c0, c1]
/// maps each output point (x, y) to the input point ((a0 x + a1 y + a2) / k,
/// (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1 (pixel indices, x along the width).
/// "bilinear" weighs the four neighbours; "nearest" takes the closest pixel (halves
/// away from zero). Neighbours outside the image follow fill_mode: "constant" (they
/// are fill_value), "nearest" (the edge pixel), "wrap" (the image tiled), "reflect"
/// (mirrored about the edge: d c b a | a b c d | d c b a). The sampling positions are
/// computed on the host from `transform` (not differentiable); the result is a
/// weighted gather of the images, differentiable with respect to them. A single
/// transform applies to every image of the batch.
///
///   // Shift right by 2 pixels: output (x, y) reads input (x - 2, y).
///   Tensor y = ops::image::affine_transform(x, Tensor::from_vector<float>({1, 0, -2, 0, 1, 0, 0, 0}));
Tensor affine_transform(const Tensor& images, const Tensor& transform, const std::string& interpolation = "bilinear",
                        const std::string& fill_mode = "constant", double fill_value = 0.0);

/// keras.ops.image.rgb_to_grayscale: 0.2989 R + 0.587 G + 0.114 B, one channel (the
/// last axis must have 3). Differentiable.
Tensor rgb_to_grayscale(const Tensor& images);
/// keras.ops.image.rgb_to_hsv and hsv_to_rgb (TensorFlow's formulas; hue, saturation
/// and value in [0, 1] for RGB in [0, 1]). Channels last, 3 channels. Differentiable
/// almost everywhere.
Tensor rgb_to_hsv(const Tensor& images);
Tensor hsv_to_rgb(const Tensor& images);

}  // namespace keras::ops::image
