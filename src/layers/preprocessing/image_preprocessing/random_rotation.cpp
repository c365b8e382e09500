#include "keras/layers/preprocessing/image_preprocessing/random_rotation.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/image.h"

namespace keras::layers {

RandomRotation::RandomRotation(const FloatOrList& factor, RandomRotationOptions o)
    : Concrete("RandomRotation", layer_args_of(o), o.data_format, o.seed),
      factor_(factor_range(factor, -1.0, 1.0)),
      options_(std::move(o)) {
  check_choice("fill_mode", options_.fill_mode, kAugmentFillModes);
  check_choice("interpolation", options_.interpolation, kAugmentInterpolations);
}

Tensor RandomRotation::transform_images(const Tensor& images) {
  std::vector<AffineParams> params;
  for (double angle : draw(images.dim(0), factor_[0] * 360.0, factor_[1] * 360.0)) params.push_back({.angle = angle});
  return ops::image::affine_transform(images, affine_matrices(params, images.dim(1), images.dim(2), images),
                                      options_.interpolation, options_.fill_mode, options_.fill_value);
}

Config RandomRotation::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["factor"] = config_value(FloatOrList{factor_[0], factor_[1]});
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> RandomRotation::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<RandomRotation, FloatOrList>("factor");
}

}  // namespace keras::layers
