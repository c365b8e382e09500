// keras.layers.RandomZoom (keras/src/layers/preprocessing/image_preprocessing/random_zoom.py):
// in training, zooms each image about its centre: the output samples the input on a
// grid scaled by 1 + z, z drawn uniformly from the factor's range per image (positive:
// zoom out, the image shrinks; negative: zoom in); the identity at inference.
//
// Args: height_factor (f in (-1, 1]: the range (-|f|, |f|); or a (low, high) pair);
//   width_factor (the same for the width; none: the height's zoom, keeping the aspect
//   ratio); fill_mode ("reflect" | "wrap" | "constant" | "nearest"); interpolation
//   ("bilinear" | "nearest"); seed; fill_value (for "constant"); data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::RandomZoom(0.2);  layers::RandomZoom({-0.3, -0.1}, {.width_factor = 0.1});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomZoom's keyword arguments after height_factor.
struct RandomZoomOptions {
  std::optional<FloatOrList> width_factor{};
  std::string fill_mode = "reflect";
  std::string interpolation = "bilinear";
  std::optional<uint64_t> seed{};
  double fill_value = 0.0;
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RandomZoomOptions;
    return std::tuple{field("data_format", &O::data_format),
                      field("width_factor", &O::width_factor),
                      field("fill_mode", &O::fill_mode),
                      field("interpolation", &O::interpolation),
                      field("seed", &O::seed),
                      field("fill_value", &O::fill_value)};
  }
};

class RandomZoom : public Concrete<RandomZoom, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomZoomOptions;
  explicit RandomZoom(FloatOrList height_factor, RandomZoomOptions options = {});
  /// Keras's order: data_format, height_factor, width_factor (as given), fill_mode,
  /// interpolation, seed, fill_value.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const FloatOrList& height_factor() const { return height_factor_; }
  const RandomZoomOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  FloatOrList height_factor_;
  RandomZoomOptions options_;
  std::array<double, 2> height_range_, width_range_{};
};

}  // namespace keras::layers
