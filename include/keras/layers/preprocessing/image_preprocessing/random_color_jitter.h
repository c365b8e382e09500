// keras.layers.RandomColorJitter
// (keras/src/layers/preprocessing/image_preprocessing/random_color_jitter.py): in
// training, applies in turn RandomBrightness, RandomContrast, RandomSaturation and
// RandomHue, each only when its factor is given, all with this layer's value_range and
// seed; the identity at inference.
//
// Args: value_range ((0, 255)); brightness_factor, contrast_factor, saturation_factor,
//   hue_factor (each as its layer's `factor`; none: that step is skipped); seed;
//   data_format.
// Input shape: (batch, h, w, 3) or unbatched (h, w, 3). Output: the same.
//
//   layers::RandomColorJitter({.brightness_factor = 0.2, .contrast_factor = 0.2});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

struct RandomColorJitterOptions {
  FloatOrList value_range{0.0, 255.0};
  std::optional<FloatOrList> brightness_factor{};
  std::optional<FloatOrList> contrast_factor{};
  std::optional<FloatOrList> saturation_factor{};
  std::optional<FloatOrList> hue_factor{};
  std::optional<uint64_t> seed{};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RandomColorJitterOptions;
    return std::tuple{field("data_format", &O::data_format),
                      field("value_range", &O::value_range),
                      field("brightness_factor", &O::brightness_factor),
                      field("contrast_factor", &O::contrast_factor),
                      field("saturation_factor", &O::saturation_factor),
                      field("hue_factor", &O::hue_factor),
                      field("seed", &O::seed)};
  }
};

class RandomColorJitter : public Concrete<RandomColorJitter, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomColorJitterOptions;
  explicit RandomColorJitter(RandomColorJitterOptions options = {});
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const RandomColorJitterOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  RandomColorJitterOptions options_;
  std::vector<std::shared_ptr<Layer>> steps_;  // brightness, contrast, saturation, hue: those given
};

}  // namespace keras::layers
