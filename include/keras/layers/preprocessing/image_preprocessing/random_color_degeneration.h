// keras.layers.RandomColorDegeneration
// (keras/src/layers/preprocessing/image_preprocessing/random_color_degeneration.py): in
// training, blends each image towards its grayscale version, x + f (gray - x), f drawn
// per image from the factor's range, clipped to value_range; the identity at
// inference. RGB images (3 channels).
//
// Args: factor (f in [-1, 1]: the range (-|f|, |f|); or a (low, high) pair);
//   value_range ((0, 255), stored sorted); data_format; seed.
// Input shape: (batch, h, w, 3) or unbatched (h, w, 3). Output: the same.
//
//   layers::RandomColorDegeneration(0.5);
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

using RandomColorDegenerationOptions = ColorAugmentationOptions;

class RandomColorDegeneration : public Concrete<RandomColorDegeneration, ColorFactorLayer> {
 public:
  using Options = RandomColorDegenerationOptions;
  explicit RandomColorDegeneration(const FloatOrList& factor, RandomColorDegenerationOptions options = {});
  static std::shared_ptr<Layer> from_config(const Config& config);

 protected:
  Tensor transform_images(const Tensor& images) override;
};

}  // namespace keras::layers
