// keras.layers.RandomInvert
// (keras/src/layers/preprocessing/image_preprocessing/random_invert.py): in training,
// replaces each image x by value_range[1] - x with a probability p drawn per image from
// the factor's range (factor 1: p in [0, 1)); the identity at inference.
//
// Args: factor (p in [0, 1]: the pair (0, p); or a (low, high) pair; 1.0);
//   value_range ((0, 255)); seed; data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels). Output: the same.
//
//   layers::RandomInvert(0.5, {.value_range = {0.0, 1.0}});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomInvert's keyword arguments after factor.
struct RandomInvertOptions {
  FloatOrList value_range{0.0, 255.0};
  std::optional<uint64_t> seed{};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RandomInvertOptions;
    return std::tuple{field("data_format", &O::data_format), field("value_range", &O::value_range),
                      field("seed", &O::seed)};
  }
};

class RandomInvert : public Concrete<RandomInvert, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomInvertOptions;
  explicit RandomInvert(const FloatOrList& factor = 1.0, RandomInvertOptions options = {});
  /// Keras's order: data_format, factor (the (low, high) pair), value_range, seed.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::array<double, 2> factor() const { return factor_; }
  const RandomInvertOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  std::array<double, 2> factor_;
  RandomInvertOptions options_;
  std::array<double, 2> value_range_;
};

}  // namespace keras::layers
