// keras.layers.RandomFlip (keras/src/layers/preprocessing/image_preprocessing/random_flip.py):
// in training, flips each image with probability 1/2, left-right ("horizontal"),
// top-bottom ("vertical") or both at once ("horizontal_and_vertical"); the identity at
// inference.
//
// Args: mode ("horizontal_and_vertical" | "horizontal" | "vertical"); seed;
//   data_format ("channels_last" | "channels_first").
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::RandomFlip("horizontal", {.seed = 42});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomFlip's keyword arguments after mode.
struct RandomFlipOptions {
  std::optional<uint64_t> seed{};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RandomFlipOptions;
    return std::tuple{field("data_format", &O::data_format), field("seed", &O::seed)};
  }
};

class RandomFlip : public Concrete<RandomFlip, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomFlipOptions;
  explicit RandomFlip(std::string mode = "horizontal_and_vertical", RandomFlipOptions options = {});
  /// Keras's order: data_format, seed, mode.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const std::string& mode() const { return mode_; }
  const RandomFlipOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  std::string mode_;
  RandomFlipOptions options_;
};

}  // namespace keras::layers
