#include "keras/layers/preprocessing/image_preprocessing/random_contrast.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/math.h"

namespace keras::layers {

RandomContrast::RandomContrast(const FloatOrList& factor, RandomContrastOptions o)
    : Concrete("RandomContrast", layer_args_of(o), o.data_format, o.seed),
      factor_(factor_range(factor, 0.0, 1.0)),
      options_(std::move(o)),
      value_range_(value_range_of(options_.value_range)) {}

Tensor RandomContrast::transform_images(const Tensor& images) {
  const Tensor f = per_image(draw(images.dim(0), 1.0 - factor_[0], 1.0 + factor_[1]), images);
  const Tensor mean = ops::mean(images, {1, 2}, true);
  const Tensor out = ops::add(ops::multiply(ops::subtract(images, mean), f), mean);
  return ops::clip(out, value_range_[0], value_range_[1]);
}

Config RandomContrast::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["factor"] = config_value(FloatOrList{factor_[0], factor_[1]});
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> RandomContrast::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<RandomContrast, FloatOrList>("factor");
}

}  // namespace keras::layers
