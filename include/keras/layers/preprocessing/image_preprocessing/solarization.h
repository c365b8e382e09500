// keras.layers.Solarization
// (keras/src/layers/preprocessing/image_preprocessing/solarization.py): in training, on
// the 0..255 scale of value_range, adds a per-image amount a, clips to 0..255 and inverts
// (255 - x) every pixel at or above a per-image threshold t; the identity at inference.
// As in Keras, a is drawn from [addition_low, addition_high * 255] and t from
// [threshold_low, threshold_high * 255] (the low ends unscaled).
//
// Args: addition_factor, threshold_factor (f in [0, 1]: the pair (0, f); or a (low,
//   high) pair; 0.0); value_range ((0, 255), stored sorted); seed; data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels). Output: the same.
//
//   layers::Solarization({.threshold_factor = 0.5});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

struct SolarizationOptions {
  FloatOrList addition_factor = 0.0;
  FloatOrList threshold_factor = 0.0;
  FloatOrList value_range{0.0, 255.0};
  std::optional<uint64_t> seed{};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = SolarizationOptions;
    return std::tuple{field("data_format", &O::data_format), field("value_range", &O::value_range),
                      field("addition_factor", &O::addition_factor), field("threshold_factor", &O::threshold_factor),
                      field("seed", &O::seed)};
  }
};

class Solarization : public Concrete<Solarization, BaseImagePreprocessingLayer> {
 public:
  using Options = SolarizationOptions;
  /// The factors are stored as Keras stores them: (low, high) pairs.
  explicit Solarization(SolarizationOptions options = {});
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const SolarizationOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  SolarizationOptions options_;
  std::array<double, 2> addition_, threshold_, value_range_;
};

}  // namespace keras::layers
