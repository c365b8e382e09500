// keras.layers.RandomContrast
// (keras/src/layers/preprocessing/image_preprocessing/random_contrast.py): in training,
// scales each image's deviation from its per-channel mean by a factor drawn uniformly
// from [1 - low, 1 + high] per image, then clips to value_range:
//   out = clip((x - mean) * f + mean, value_range).
// The identity at inference.
//
// Args: factor (f in [0, 1]: the pair (0, f), as Keras's bounds make it; or a (low,
//   high) pair); value_range ((0, 255)); seed; data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::RandomContrast(0.3, {.value_range = {0.0, 1.0}});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomContrast's keyword arguments after factor.
struct RandomContrastOptions {
  FloatOrList value_range{0.0, 255.0};
  std::optional<uint64_t> seed{};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RandomContrastOptions;
    return std::tuple{field("data_format", &O::data_format), field("value_range", &O::value_range),
                      field("seed", &O::seed)};
  }
};

class RandomContrast : public Concrete<RandomContrast, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomContrastOptions;
  explicit RandomContrast(const FloatOrList& factor, RandomContrastOptions options = {});
  /// Keras's order: data_format, factor (the (low, high) pair), value_range, seed.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::array<double, 2> factor() const { return factor_; }
  const RandomContrastOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  std::array<double, 2> factor_;
  RandomContrastOptions options_;
  std::array<double, 2> value_range_;
};

}  // namespace keras::layers
