// keras.layers.RandAugment (keras/src/layers/preprocessing/image_preprocessing/rand_augment.py):
// in training, applies num_ops augmentations in sequence, each picked uniformly (with
// repeats) from Keras's eleven layers: RandomShear, RandomTranslation, RandomRotation,
// RandomBrightness, RandomColorDegeneration, RandomContrast, RandomSharpness,
// RandomPosterization, Solarization, AutoContrast, Equalization. As in Keras the picks
// are drawn once per batch (every image of a batch goes through the same layers), and
// each layer draws its own per-image parameters. The identity at inference.
//
// The layers are built as Keras builds them from factor = (low, high): the geometric
// layers and the colour factors take that range; Solarization takes it for its addition
// and threshold; RandomPosterization keeps max(1, int(8 * high)) bits; all take
// value_range and interpolation. As in Keras each layer's parameters are drawn once per
// call: a layer picked twice repeats the same transformation (here: the layer is built
// per call from a seed drawn from this layer's seed generator).
//
// Args: value_range ((low, high) of the inputs, default (0, 255)); num_ops (default 2);
//   factor (strength, a number f in [0, 1] meaning (0, f), or a pair; default 0.5);
//   interpolation ("bilinear" | "nearest"); seed; data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::RandAugment({.value_range = FloatOrList{0.0, 1.0}, .num_ops = 3, .seed = 7});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandAugment's keyword arguments (Keras's order and defaults).
struct RandAugmentOptions {
  FloatOrList value_range{0.0, 255.0};
  int64_t num_ops = 2;
  FloatOrList factor = 0.5;
  std::string interpolation = "bilinear";
  std::optional<uint64_t> seed{};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RandAugmentOptions;
    return std::tuple{
        field("data_format", &O::data_format), field("value_range", &O::value_range),     field("num_ops", &O::num_ops),
        field("factor", &O::factor),           field("interpolation", &O::interpolation), field("seed", &O::seed)};
  }
};

class RandAugment : public Concrete<RandAugment, BaseImagePreprocessingLayer> {
 public:
  using Options = RandAugmentOptions;
  /// factor is stored as Keras stores it: a (low, high) pair.
  explicit RandAugment(RandAugmentOptions options = {});
  /// Keras's order: data_format, value_range, num_ops, factor, interpolation, seed.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const RandAugmentOptions& options() const { return options_; }
  /// Keras's layer list, in its order (the picks index it).
  static const std::vector<std::string>& augment_layer_names();

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  RandAugmentOptions options_;
  std::array<double, 2> factor_;
};

}  // namespace keras::layers
