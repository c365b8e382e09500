// What ops::image's affine_transform and the layers that warp images by a per-pixel
// displacement (RandomElasticTransform) share.
#pragma once

#include <string>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::ops::image::detail {

/// jax.scipy.ndimage.map_coordinates (order 0 or 1) on every channel of a channels-last
/// batch (batch, height, width, channels): output pixel p (row-major over batch, height,
/// width) reads the input of its own image at (rows[p], cols[p]), in pixel indices.
/// interpolation "nearest" (halves away from zero) or "bilinear"; fill_mode "constant"
/// (fill_value), "nearest", "wrap", "reflect" (d c b a | a b c d) or "mirror"
/// (d c b | a b c d). The positions are host numbers (no gradient); the result is a
/// weighted gather of the images, differentiable with respect to them.
Tensor map_coordinates(const Tensor& images, const std::vector<double>& rows, const std::vector<double>& cols,
                       const std::string& interpolation, const std::string& fill_mode, double fill_value);

}  // namespace keras::ops::image::detail
