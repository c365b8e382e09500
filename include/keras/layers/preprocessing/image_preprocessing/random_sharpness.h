// keras.layers.RandomSharpness
// (keras/src/layers/preprocessing/image_preprocessing/random_sharpness.py): in training,
// blends each image with its 3x3 smoothed version (weights 1/13, centre 5/13, zero
// padding): x + (1 - 2f) (smooth - x), f drawn per image from the factor's range (f =
// 0.5: unchanged, below: blurred, above: sharpened), clipped to value_range; the
// identity at inference.
//
// Args: factor (f in [0, 1]: the pair (0, f); or a (low, high) pair); value_range
//   ((0, 255), stored sorted); data_format; seed.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels). Output: the same.
//
//   layers::RandomSharpness(0.5);
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

using RandomSharpnessOptions = ColorAugmentationOptions;

class RandomSharpness : public Concrete<RandomSharpness, ColorFactorLayer> {
 public:
  using Options = RandomSharpnessOptions;
  explicit RandomSharpness(const FloatOrList& factor, RandomSharpnessOptions options = {});
  static std::shared_ptr<Layer> from_config(const Config& config);

 protected:
  Tensor transform_images(const Tensor& images) override;
};

}  // namespace keras::layers
