// keras.layers.RandomPosterization
// (keras/src/layers/preprocessing/image_preprocessing/random_posterization.py): in
// training, keeps only the top b bits of each pixel's 8-bit value (on the 0..255 scale
// of value_range), b drawn per image from [low, high) (or exactly b when low == high);
// the identity at inference.
//
// Args: factor (b in [1, 8]: the pair (1, b); or a (low, high) pair); value_range
//   ((0, 255), stored sorted); data_format; seed.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels). Output: the same.
//
//   layers::RandomPosterization(4);
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

using RandomPosterizationOptions = ColorAugmentationOptions;

class RandomPosterization : public Concrete<RandomPosterization, ColorFactorLayer> {
 public:
  using Options = RandomPosterizationOptions;
  explicit RandomPosterization(const FloatOrList& factor, RandomPosterizationOptions options = {});
  static std::shared_ptr<Layer> from_config(const Config& config);

 protected:
  Tensor transform_images(const Tensor& images) override;
};

}  // namespace keras::layers
