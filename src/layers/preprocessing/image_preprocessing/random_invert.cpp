#include "keras/layers/preprocessing/image_preprocessing/random_invert.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/math.h"

namespace keras::layers {

RandomInvert::RandomInvert(const FloatOrList& factor, RandomInvertOptions o)
    : Concrete("RandomInvert", layer_args_of(o), o.data_format, o.seed),
      factor_(factor_range(factor, 0.0, 1.0)),
      options_(std::move(o)),
      value_range_(value_range_of(options_.value_range)) {}

Tensor RandomInvert::transform_images(const Tensor& images) {
  const int64_t batch = images.dim(0);
  const std::vector<double> p = draw(batch, factor_[0], factor_[1]), u = draw(batch);
  std::vector<bool> apply;
  for (size_t i = 0; i < p.size(); ++i) apply.push_back(u[i] < p[i]);
  const Tensor inverted = ops::subtract(Tensor::scalar(value_range_[1], images.dtype(), images.device()), images);
  return select_images(apply, images, inverted);
}

Config RandomInvert::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["factor"] = config_value(FloatOrList{factor_[0], factor_[1]});
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> RandomInvert::from_config(const Config& config) {
  return ConfigReader(config).make<RandomInvert, FloatOrList>("factor", 1.0);
}

}  // namespace keras::layers
