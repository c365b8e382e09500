// keras.layers.RandomCrop (keras/src/layers/preprocessing/image_preprocessing/random_crop.py):
// in training, crops a (height, width) window at a random offset (one offset for the
// whole batch, as in Keras); an image not larger than the target along both axes is
// instead cropped to the target's aspect ratio about its centre and resized
// (bilinear). At inference Keras 3 returns the images unchanged, whatever the size (so
// compute_output_shape, which says (height, width), holds in training only).
//
// Args: height, width (positive); seed; data_format ("channels_last" | "channels_first").
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w).
// Output shape (training): the same with (height, width) for (h, w).
//
//   layers::RandomCrop(24, 24, {.seed = 1});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomCrop's keyword arguments after height and width.
struct RandomCropOptions {
  std::optional<uint64_t> seed{};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RandomCropOptions;
    return std::tuple{field("data_format", &O::data_format), field("seed", &O::seed)};
  }
};

class RandomCrop : public Concrete<RandomCrop, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomCropOptions;
  RandomCrop(int64_t height, int64_t width, RandomCropOptions options = {});
  /// Keras's order: data_format, height, width, seed.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  int64_t height() const { return height_; }
  int64_t width() const { return width_; }
  const RandomCropOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;
  std::array<int64_t, 2> output_size(int64_t, int64_t) const override { return {height_, width_}; }

 private:
  int64_t height_, width_;
  RandomCropOptions options_;
};

}  // namespace keras::layers
