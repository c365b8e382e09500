// keras.layers.RandomBrightness
// (keras/src/layers/preprocessing/image_preprocessing/random_brightness.py): in training,
// adds to each image a delta drawn uniformly from [low, high] times the width of
// value_range, then clips to value_range; the identity at inference.
//
// Args: factor (f in [-1, 1]: the range (-|f|, |f|); or a (low, high) pair); value_range
//   ((0, 255); stored sorted, as Keras does); seed; data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::RandomBrightness(0.2);  layers::RandomBrightness({-0.1, 0.3}, {.value_range = {0.0, 1.0}});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomBrightness's keyword arguments after factor.
struct RandomBrightnessOptions {
  FloatOrList value_range{0.0, 255.0};
  std::optional<uint64_t> seed{};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RandomBrightnessOptions;
    return std::tuple{field("data_format", &O::data_format), field("value_range", &O::value_range),
                      field("seed", &O::seed)};
  }
};

class RandomBrightness : public Concrete<RandomBrightness, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomBrightnessOptions;
  explicit RandomBrightness(const FloatOrList& factor, RandomBrightnessOptions options = {});
  /// Keras's order: data_format, factor (the (low, high) pair), value_range, seed.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::array<double, 2> factor() const { return factor_; }
  const RandomBrightnessOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  std::array<double, 2> factor_;
  RandomBrightnessOptions options_;
  std::array<double, 2> value_range_;
};

}  // namespace keras::layers
