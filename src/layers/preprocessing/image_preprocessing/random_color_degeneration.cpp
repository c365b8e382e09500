#include "keras/layers/preprocessing/image_preprocessing/random_color_degeneration.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/image.h"
#include "keras/ops/math.h"

namespace keras::layers {

RandomColorDegeneration::RandomColorDegeneration(const FloatOrList& factor, RandomColorDegenerationOptions o)
    : Concrete("RandomColorDegeneration", factor, std::move(o), {-1.0, 1.0}, true) {}

Tensor RandomColorDegeneration::transform_images(const Tensor& images) {
  const Tensor f = per_image(draw(images.dim(0), factor_[0], factor_[1]), images);
  const Tensor gray = ops::image::rgb_to_grayscale(images);
  const Tensor out = ops::add(images, ops::multiply(f, ops::subtract(gray, images)));
  return ops::clip(out, value_range_[0], value_range_[1]);
}

std::shared_ptr<Layer> RandomColorDegeneration::from_config(const Config& config) {
  return ConfigReader(config).make<RandomColorDegeneration, FloatOrList>("factor");
}

}  // namespace keras::layers
