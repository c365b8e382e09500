#include "keras/layers/preprocessing/image_preprocessing/random_brightness.h"

#include <algorithm>

#include "keras/layers/layer_config.h"
#include "keras/ops/math.h"

namespace keras::layers {

namespace {

FloatOrList sorted(FloatOrList r) {
  if (r.is_list) std::sort(r.values.begin(), r.values.end());
  return r;
}

}  // namespace

RandomBrightness::RandomBrightness(const FloatOrList& factor, RandomBrightnessOptions o)
    : Concrete("RandomBrightness", layer_args_of(o), o.data_format, o.seed),
      factor_(factor_range(factor, -1.0, 1.0)),
      options_(std::move(o)) {
  options_.value_range = sorted(options_.value_range);
  value_range_ = value_range_of(options_.value_range);
}

Tensor RandomBrightness::transform_images(const Tensor& images) {
  std::vector<double> delta = draw(images.dim(0), factor_[0], factor_[1]);
  for (double& d : delta) d *= value_range_[1] - value_range_[0];
  return ops::clip(ops::add(images, per_image(delta, images)), value_range_[0], value_range_[1]);
}

Config RandomBrightness::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["factor"] = config_value(FloatOrList{factor_[0], factor_[1]});
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> RandomBrightness::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<RandomBrightness, FloatOrList>("factor");
}

}  // namespace keras::layers
