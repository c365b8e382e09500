#include "keras/layers/preprocessing/image_preprocessing/random_saturation.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/image.h"
#include "layers/preprocessing/image_preprocessing/color_layers_internal.h"

namespace keras::layers {

RandomSaturation::RandomSaturation(const FloatOrList& factor, RandomSaturationOptions o)
    : Concrete("RandomSaturation", factor, std::move(o), {-1.0, 1.0}, true) {}

Tensor RandomSaturation::transform_images(const Tensor& images) {
  std::vector<double> f = draw(images.dim(0), factor_[0], factor_[1]);
  for (double& u : f) u = u / (1.0 - u + 1e-7);
  const TensorList hsv = ops::split(ops::image::rgb_to_hsv(images), {1, 1, 1}, -1);
  const Tensor s = ops::clip(ops::multiply(hsv[1], per_image(f, images)), value_range_[0], value_range_[1]);
  return ops::image::hsv_to_rgb(ops::concatenate({hsv[0], s, hsv[2]}, -1));
}

std::shared_ptr<Layer> RandomSaturation::from_config(const Config& config) {
  return ConfigReader(config).make<RandomSaturation, FloatOrList>("factor");
}

}  // namespace keras::layers
