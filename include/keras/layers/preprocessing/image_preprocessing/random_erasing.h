// keras.layers.RandomErasing (keras/src/layers/preprocessing/image_preprocessing/random_erasing.py):
// in training, each image is erased with a probability drawn from [factor_low,
// factor_high]: a rectangle of sqrt(s_w) * width by sqrt(s_h) * height (s_w, s_h drawn
// from `scale`) at a random place is replaced by fill_value, or, when fill_value is
// None, by normal noise times value_range's high end; the fill is clipped to
// value_range. The identity at inference.
//
// Args: factor (probability of erasing: f in [0, 1] gives [0, f], or a (low, high)
//     pair); scale (the range of the squared side ratios, within [0, 1]); fill_value
//     (a number, a list of 3 (per channel), or None for noise); value_range (low, high);
//   seed; data_format ("channels_last" | "channels_first").
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::RandomErasing(0.5, {.fill_value = 0.0, .seed = 7});  // half the images get a black box
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomErasing's keyword arguments after factor.
struct RandomErasingOptions {
  FloatOrList scale{0.02, 0.33};
  std::optional<FloatOrList> fill_value{};
  FloatOrList value_range{0.0, 255.0};
  std::optional<uint64_t> seed{};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RandomErasingOptions;
    return std::tuple{field("data_format", &O::data_format), field("scale", &O::scale),
                      field("fill_value", &O::fill_value), field("value_range", &O::value_range),
                      field("seed", &O::seed)};
  }
};

class RandomErasing : public Concrete<RandomErasing, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomErasingOptions;
  explicit RandomErasing(const FloatOrList& factor = 1.0, RandomErasingOptions options = {});
  /// Keras's order: data_format, factor and scale (as (low, high) pairs), fill_value,
  /// value_range, seed.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::array<double, 2> factor() const { return factor_; }
  const RandomErasingOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  std::array<double, 2> factor_;
  RandomErasingOptions options_;
  std::array<double, 2> value_range_;
};

}  // namespace keras::layers
