// keras.layers.RandomTranslation
// (keras/src/layers/preprocessing/image_preprocessing/random_translation.py): in training,
// shifts each image by a fraction of its height and of its width, each drawn uniformly
// per image (ops::image::affine_transform); the identity at inference.
//
// Args: height_factor, width_factor (f in [-1, 1]: shifts in (-|f|, |f|) of the size;
//     or a (low, high) pair; positive moves the content down / right); fill_mode
//   ("reflect" | "wrap" | "constant" | "nearest"); interpolation ("bilinear" |
//   "nearest"); seed; fill_value (for "constant"); data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::RandomTranslation(0.1, 0.1, {.fill_mode = "constant"});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomTranslation's keyword arguments after height_factor and width_factor.
struct RandomTranslationOptions {
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
    using O = RandomTranslationOptions;
    return std::tuple{field("data_format", &O::data_format), field("fill_mode", &O::fill_mode),
                      field("interpolation", &O::interpolation), field("seed", &O::seed),
                      field("fill_value", &O::fill_value)};
  }
};

class RandomTranslation : public Concrete<RandomTranslation, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomTranslationOptions;
  RandomTranslation(FloatOrList height_factor, FloatOrList width_factor, RandomTranslationOptions options = {});
  /// Keras's order: data_format, height_factor, width_factor (as given), fill_mode,
  /// interpolation, seed, fill_value.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const RandomTranslationOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  FloatOrList height_factor_, width_factor_;
  RandomTranslationOptions options_;
  std::array<double, 2> height_range_, width_range_;
};

}  // namespace keras::layers
