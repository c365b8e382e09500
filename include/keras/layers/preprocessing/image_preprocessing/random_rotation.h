// keras.layers.RandomRotation (keras/src/layers/preprocessing/image_preprocessing/random_rotation.py):
// in training, rotates each image about its centre by an angle drawn uniformly from
// [factor_low * 360, factor_high * 360] degrees (ops::image::affine_transform); the
// identity at inference.
//
// Args: factor (f in [-1, 1]: the range (-|f|, |f|) of full turns; or a (low, high)
//     pair); fill_mode ("reflect" | "wrap" | "constant" | "nearest": what points
//     outside the image read); interpolation ("bilinear" | "nearest"); seed;
//   fill_value (for "constant"); data_format ("channels_last" | "channels_first").
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::RandomRotation(0.1, {.fill_mode = "constant", .seed = 7});  // up to 36 degrees either way
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomRotation's keyword arguments after factor.
struct RandomRotationOptions {
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
    using O = RandomRotationOptions;
    return std::tuple{field("data_format", &O::data_format), field("fill_mode", &O::fill_mode),
                      field("fill_value", &O::fill_value), field("interpolation", &O::interpolation),
                      field("seed", &O::seed)};
  }
};

class RandomRotation : public Concrete<RandomRotation, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomRotationOptions;
  explicit RandomRotation(const FloatOrList& factor, RandomRotationOptions options = {});
  /// Keras's order: data_format, factor (as the (low, high) pair), fill_mode, fill_value,
  /// interpolation, seed.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::array<double, 2> factor() const { return factor_; }
  const RandomRotationOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  std::array<double, 2> factor_;
  RandomRotationOptions options_;
};

}  // namespace keras::layers
