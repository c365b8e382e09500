// keras.layers.RandomHue (keras/src/layers/preprocessing/image_preprocessing/random_hue.py):
// in training, turns each image's hue by +-f / 2 of the colour circle (sign and f drawn
// per image, f from the factor's range), through HSV on the images scaled from
// value_range to [0, 1]; the identity at inference. RGB images (3 channels).
//
// Args: factor (f in [0, 1]: the pair (0, f); or a (low, high) pair); value_range
//   ((0, 255)); data_format; seed.
// Input shape: (batch, h, w, 3) or unbatched (h, w, 3). Output: the same.
//
//   layers::RandomHue(0.2);
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

using RandomHueOptions = ColorAugmentationOptions;

class RandomHue : public Concrete<RandomHue, ColorFactorLayer> {
 public:
  using Options = RandomHueOptions;
  explicit RandomHue(const FloatOrList& factor, RandomHueOptions options = {});
  static std::shared_ptr<Layer> from_config(const Config& config);

 protected:
  Tensor transform_images(const Tensor& images) override;
};

}  // namespace keras::layers
