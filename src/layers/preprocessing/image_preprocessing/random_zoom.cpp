#include "keras/layers/preprocessing/image_preprocessing/random_zoom.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/image.h"

namespace keras::layers {

RandomZoom::RandomZoom(FloatOrList height_factor, RandomZoomOptions o)
    : Concrete("RandomZoom", layer_args_of(o), o.data_format, o.seed),
      height_factor_(std::move(height_factor)),
      options_(std::move(o)),
      height_range_(signed_factor_range(height_factor_, "height_factor", true)) {
  if (options_.width_factor) width_range_ = signed_factor_range(*options_.width_factor, "width_factor", true);
  check_choice("fill_mode", options_.fill_mode, kAugmentFillModes);
  check_choice("interpolation", options_.interpolation, kAugmentInterpolations);
}

Tensor RandomZoom::transform_images(const Tensor& images) {
  const int64_t batch = images.dim(0), height = images.dim(1), width = images.dim(2);
  const std::vector<double> hz = draw(batch, 1.0 + height_range_[0], 1.0 + height_range_[1]);
  const std::vector<double> wz = options_.width_factor ? draw(batch, 1.0 + width_range_[0], 1.0 + width_range_[1]) : hz;
  std::vector<float> m;
  for (size_t i = 0; i < hz.size(); ++i) {
    const double x_offset = (static_cast<double>(width) - 1.0) / 2.0 * (1.0 - wz[i]);
    const double y_offset = (static_cast<double>(height) - 1.0) / 2.0 * (1.0 - hz[i]);
    for (double v : {wz[i], 0.0, x_offset, 0.0, hz[i], y_offset, 0.0, 0.0}) m.push_back(static_cast<float>(v));
  }
  const Tensor transforms = Tensor::from_vector<float>(m, Shape{batch, 8}, images.device());
  return ops::image::affine_transform(images, transforms, options_.interpolation, options_.fill_mode,
                                      options_.fill_value);
}

Config RandomZoom::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["height_factor"] = config_value(height_factor_);
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> RandomZoom::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<RandomZoom, FloatOrList>("height_factor");
}

}  // namespace keras::layers
