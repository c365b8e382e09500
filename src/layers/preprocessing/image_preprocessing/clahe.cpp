#include "keras/layers/preprocessing/image_preprocessing/clahe.h"

#include <algorithm>
#include <cmath>

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"

namespace keras::layers {

using keras::detail::cat;

namespace {

/// numpy's "symmetric" padding after the end: a b c d | d c b a.
int64_t symmetric(int64_t i, int64_t size) {
  const int64_t k = i % (2 * size);
  return k < size ? k : 2 * size - 1 - k;
}

}  // namespace

ContrastLimitedAdaptiveHistogramEqualization::ContrastLimitedAdaptiveHistogramEqualization(
    ContrastLimitedAdaptiveHistogramEqualizationOptions o)
    : Concrete("ContrastLimitedAdaptiveHistogramEqualization", layer_args_of(o), o.data_format, std::nullopt),
      options_(std::move(o)),
      value_range_(value_range_of(options_.value_range)) {
  const auto& g = options_.tile_grid_size.values;
  if (g[0] <= 0 || g[1] <= 0)
    fail(cat("The `tile_grid_size` argument should be two positive integers. Received: tile_grid_size=(", g[0], ", ",
             g[1], ")"));
  if (!std::isfinite(options_.clip_limit))
    fail(cat("The `clip_limit` argument should be a finite number. Received: clip_limit=", options_.clip_limit));
}

Tensor ContrastLimitedAdaptiveHistogramEqualization::transform_images(const Tensor& images) {
  const int64_t batch = images.dim(0), height = images.dim(1), width = images.dim(2), channels = images.dim(3);
  const int64_t grid_h = options_.tile_grid_size[0], grid_w = options_.tile_grid_size[1];
  const int64_t tile_h = (height + grid_h - 1) / grid_h, tile_w = (width + grid_w - 1) / grid_w;
  const int64_t tile_n = tile_h * tile_w;
  const Tensor unit = transform_value_range(ops::cast(images, DType::float32), value_range_, {0.0, 255.0});
  const std::vector<float> v = unit.to_vector<float>();
  const auto pixel = [&](int64_t b, int64_t r, int64_t c, int64_t k) {  // of the padded image, truncated to 0..255
    const float f =
        v[static_cast<size_t>(((b * height + symmetric(r, height)) * width + symmetric(c, width)) * channels + k)];
    return f >= 0.0f ? static_cast<int>(std::min(f, 255.0f)) : 0;  // NaN: 0
  };
  // cdf[b][ty + 1][tx + 1][k][bin]: the mapping of each tile, with the edge tiles repeated
  // around the grid.
  const int64_t gh = grid_h + 2, gw = grid_w + 2;
  std::vector<float> cdf(static_cast<size_t>(batch * gh * gw * channels * 256));
  const auto cell = [&](int64_t b, int64_t ty, int64_t tx, int64_t k) {
    return cdf.data() + (((b * gh + ty) * gw + tx) * channels + k) * 256;
  };
  const float limit = static_cast<float>(options_.clip_limit * static_cast<double>(tile_n) / 256.0);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t ty = 0; ty < grid_h; ++ty)
      for (int64_t tx = 0; tx < grid_w; ++tx)
        for (int64_t k = 0; k < channels; ++k) {
          float hist[256] = {};
          for (int64_t r = ty * tile_h; r < (ty + 1) * tile_h; ++r)
            for (int64_t c = tx * tile_w; c < (tx + 1) * tile_w; ++c) hist[pixel(b, r, c, k)] += 1.0f;
          if (options_.clip_limit > 0) {
            float excess = 0;
            for (float& h : hist) {
              const float clipped = std::clamp(h, 0.0f, limit);
              excess += h - clipped;
              h = clipped;
            }
            for (float& h : hist) h += excess / 256.0f;
          }
          float* out = cell(b, ty + 1, tx + 1, k);
          float run = 0;
          for (int i = 0; i < 256; ++i) out[i] = run += hist[i];
          const float lo = *std::min_element(out, out + 256);
          float denominator = static_cast<float>(tile_n) - lo;
          if (denominator == 0.0f) denominator = 1.0f;
          for (int i = 0; i < 256; ++i) out[i] = std::clamp((out[i] - lo) * 255.0f / denominator, 0.0f, 255.0f);
        }
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t ty = 0; ty < gh; ++ty)
      for (int64_t tx = 0; tx < gw; ++tx) {
        const int64_t sy = std::clamp<int64_t>(ty, 1, grid_h), sx = std::clamp<int64_t>(tx, 1, grid_w);
        if (sy == ty && sx == tx) continue;
        for (int64_t k = 0; k < channels; ++k) std::copy_n(cell(b, sy, sx, k), 256, cell(b, ty, tx, k));
      }
  // Each pixel: the bilinear blend of the four surrounding tiles' mappings.
  std::vector<float> result(v.size());
  for (int64_t r = 0; r < height; ++r) {
    const float gy = (static_cast<float>(r) - static_cast<float>(tile_h) / 2.0f) / static_cast<float>(tile_h) + 1.0f;
    const float y0f = std::floor(gy), wy = gy - y0f;
    const auto y0 = std::clamp<int64_t>(static_cast<int64_t>(y0f), 0, grid_h + 1);
    const auto y1 = std::clamp<int64_t>(static_cast<int64_t>(y0f) + 1, 0, grid_h + 1);
    for (int64_t c = 0; c < width; ++c) {
      const float gx = (static_cast<float>(c) - static_cast<float>(tile_w) / 2.0f) / static_cast<float>(tile_w) + 1.0f;
      const float x0f = std::floor(gx), wx = gx - x0f;
      const auto x0 = std::clamp<int64_t>(static_cast<int64_t>(x0f), 0, grid_w + 1);
      const auto x1 = std::clamp<int64_t>(static_cast<int64_t>(x0f) + 1, 0, grid_w + 1);
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t k = 0; k < channels; ++k) {
          const int p = pixel(b, r, c, k);
          const float top = cell(b, y0, x0, k)[p] * (1.0f - wx) + cell(b, y0, x1, k)[p] * wx;
          const float bottom = cell(b, y1, x0, k)[p] * (1.0f - wx) + cell(b, y1, x1, k)[p] * wx;
          result[static_cast<size_t>(((b * height + r) * width + c) * channels + k)] = top * (1.0f - wy) + bottom * wy;
        }
    }
  }
  const Tensor equalized = transform_value_range(Tensor::from_vector<float>(result, images.shape(), images.device()),
                                                 {0.0, 255.0}, value_range_);
  return equalized.dtype() == images.dtype() ? equalized : ops::cast(equalized, images.dtype());
}

Config ContrastLimitedAdaptiveHistogramEqualization::get_config() const {
  Config c = Layer::get_config();
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> ContrastLimitedAdaptiveHistogramEqualization::from_config(const Config& config) {
  return std::make_shared<ContrastLimitedAdaptiveHistogramEqualization>(
      ConfigReader(config).options<ContrastLimitedAdaptiveHistogramEqualizationOptions>());
}

}  // namespace keras::layers
