#include "keras/layers/preprocessing/image_preprocessing/random_posterization.h"

#include <cmath>

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers {

RandomPosterization::RandomPosterization(const FloatOrList& factor, RandomPosterizationOptions o)
    : Concrete("RandomPosterization", factor, std::move(o), {1.0, 8.0}, true) {}

Tensor RandomPosterization::transform_images(const Tensor& images) {
  // Keras: randint in [low, high) when they differ; the top `bits` bits of the uint8 value.
  std::vector<double> steps = factor_[0] != factor_[1]
                                  ? draw(images.dim(0), factor_[0], factor_[1])
                                  : std::vector<double>(static_cast<size_t>(images.dim(0)), factor_[0]);
  for (double& s : steps) s = std::exp2(8.0 - std::floor(s));  // 2^shift
  const Tensor step = per_image(steps, images);
  Tensor x = ops::clip(transform_value_range(images, value_range_, {0.0, 255.0}), 0.0, 255.0);
  x = ops::cast(ops::cast(ops::divide(x, step), DType::int32), images.dtype());  // floor, as x >= 0
  return transform_value_range(ops::multiply(x, step), {0.0, 255.0}, value_range_);
}

std::shared_ptr<Layer> RandomPosterization::from_config(const Config& config) {
  return ConfigReader(config).make<RandomPosterization, FloatOrList>("factor");
}

}  // namespace keras::layers
