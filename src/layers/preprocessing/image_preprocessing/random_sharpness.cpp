#include "keras/layers/preprocessing/image_preprocessing/random_sharpness.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "layers/preprocessing/image_preprocessing/color_layers_internal.h"

namespace keras::layers {

RandomSharpness::RandomSharpness(const FloatOrList& factor, RandomSharpnessOptions o)
    : Concrete("RandomSharpness", factor, std::move(o), {0.0, 1.0}, true) {}

Tensor RandomSharpness::transform_images(const Tensor& images) {
  std::vector<double> f = draw(images.dim(0), factor_[0], factor_[1]);
  for (double& v : f) v = 1.0 - 2.0 * v;
  // Keras's depthwise 3x3 smoothing with "same" (zero) padding, as nine shifted windows.
  const int64_t b = images.dim(0), h = images.dim(1), w = images.dim(2), c = images.dim(3);
  const Tensor padded = ops::pad(images, {{0, 0}, {1, 1}, {1, 1}, {0, 0}});
  Tensor sum;
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      const Tensor window = ops::slice(padded, {0, i, j, 0}, {b, h, w, c});
      const Tensor term =
          ops::multiply(window, detail::scalar_like(i == 1 && j == 1 ? 5.0 / 13.0 : 1.0 / 13.0, images));
      sum = sum.defined() ? ops::add(sum, term) : term;
    }
  const Tensor out = ops::add(images, ops::multiply(per_image(f, images), ops::subtract(sum, images)));
  return ops::clip(out, value_range_[0], value_range_[1]);
}

std::shared_ptr<Layer> RandomSharpness::from_config(const Config& config) {
  return ConfigReader(config).make<RandomSharpness, FloatOrList>("factor");
}

}  // namespace keras::layers
