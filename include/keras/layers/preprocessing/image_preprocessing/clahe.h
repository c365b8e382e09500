// keras.layers.ContrastLimitedAdaptiveHistogramEqualization
// (keras/src/layers/preprocessing/image_preprocessing/clahe.py): contrast-limited
// adaptive histogram equalization, at inference and in training alike (it is not
// random). Images are mapped from value_range onto [0, 255] and cut into a
// tile_grid_size grid of tiles (the last ones padded by mirroring, numpy's "symmetric");
// per tile and channel a 256-bin histogram of the truncated pixel values is clipped at
// clip_limit * tile_pixels / 256 (the excess spread over all bins) and turned into a
// cumulative mapping onto [0, 255]; each pixel takes the bilinear blend of the mappings
// of the four tiles around it (edge tiles repeated), and the result is mapped back onto
// value_range. Computed in float32 on the host, as Keras's arithmetic; the lookup of a
// histogram has no gradient (Keras's has none either).
//
// Args: value_range (low, high); clip_limit (> 0 limits the contrast; <= 0 turns the
//   clipping off); tile_grid_size (rows, columns of tiles); data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::ContrastLimitedAdaptiveHistogramEqualization({.clip_limit = 2.0, .tile_grid_size = {4, 4}});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// ContrastLimitedAdaptiveHistogramEqualization's keyword arguments.
struct ContrastLimitedAdaptiveHistogramEqualizationOptions {
  FloatOrList value_range{0.0, 255.0};
  double clip_limit = 4.0;
  Size2 tile_grid_size = 8;
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = ContrastLimitedAdaptiveHistogramEqualizationOptions;
    return std::tuple{field("data_format", &O::data_format), field("value_range", &O::value_range),
                      field("clip_limit", &O::clip_limit), field("tile_grid_size", &O::tile_grid_size)};
  }
};

class ContrastLimitedAdaptiveHistogramEqualization
    : public Concrete<ContrastLimitedAdaptiveHistogramEqualization, BaseImagePreprocessingLayer> {
 public:
  using Options = ContrastLimitedAdaptiveHistogramEqualizationOptions;
  explicit ContrastLimitedAdaptiveHistogramEqualization(
      ContrastLimitedAdaptiveHistogramEqualizationOptions options = {});
  /// Keras's order: data_format, value_range, clip_limit, tile_grid_size.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const ContrastLimitedAdaptiveHistogramEqualizationOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;
  bool transforms_at_inference() const override { return true; }

 private:
  ContrastLimitedAdaptiveHistogramEqualizationOptions options_;
  std::array<double, 2> value_range_;
};

}  // namespace keras::layers
