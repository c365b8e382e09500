#include "keras/layers/preprocessing/image_preprocessing/random_hue.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/image.h"
#include "layers/preprocessing/image_preprocessing/color_layers_internal.h"

namespace keras::layers {

RandomHue::RandomHue(const FloatOrList& factor, RandomHueOptions o)
    : Concrete("RandomHue", factor, std::move(o), {0.0, 1.0}, false) {}

Tensor RandomHue::transform_images(const Tensor& images) {
  const int64_t batch = images.dim(0);
  const std::vector<double> invert = draw(batch);
  std::vector<double> delta = draw(batch, factor_[0], factor_[1]);
  for (size_t i = 0; i < delta.size(); ++i) delta[i] *= (invert[i] > 0.5 ? -0.5 : 0.5);
  const Tensor unit = transform_value_range(images, value_range_, {0.0, 1.0});
  const TensorList hsv = ops::split(ops::image::rgb_to_hsv(unit), {1, 1, 1}, -1);
  Tensor h = ops::add(hsv[0], per_image(delta, images));
  h = detail::where(ops::greater(h, detail::scalar_like(1.0, h)), ops::subtract(h, detail::scalar_like(1.0, h)), h);
  h = detail::where(ops::less(h, detail::scalar_like(0.0, h)), ops::add(h, detail::scalar_like(1.0, h)), h);
  const Tensor rgb = ops::clip(ops::image::hsv_to_rgb(ops::concatenate({h, hsv[1], hsv[2]}, -1)), 0.0, 1.0);
  return transform_value_range(rgb, {0.0, 1.0}, value_range_);
}

std::shared_ptr<Layer> RandomHue::from_config(const Config& config) {
  return ConfigReader(config).make<RandomHue, FloatOrList>("factor");
}

}  // namespace keras::layers
