// keras.layers.RandomSaturation
// (keras/src/layers/preprocessing/image_preprocessing/random_saturation.py): in training,
// multiplies each image's HSV saturation by u / (1 - u + 1e-7), u drawn per image from
// the factor's range (u = 0: grayscale, 0.5: unchanged, 1: fully saturated), clipped to
// value_range as Keras does; the identity at inference. RGB images (3 channels).
//
// Args: factor (f in [-1, 1]: the range (-|f|, |f|); or a (low, high) pair);
//   value_range ((0, 255), stored sorted); data_format; seed.
// Input shape: (batch, h, w, 3) or unbatched (h, w, 3). Output: the same.
//
//   layers::RandomSaturation({0.5, 0.9});  // never less saturated
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

using RandomSaturationOptions = ColorAugmentationOptions;

class RandomSaturation : public Concrete<RandomSaturation, ColorFactorLayer> {
 public:
  using Options = RandomSaturationOptions;
  explicit RandomSaturation(const FloatOrList& factor, RandomSaturationOptions options = {});
  static std::shared_ptr<Layer> from_config(const Config& config);

 protected:
  Tensor transform_images(const Tensor& images) override;
};

}  // namespace keras::layers
