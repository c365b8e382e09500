#include "keras/layers/preprocessing/image_preprocessing/random_translation.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/image.h"

namespace keras::layers {

RandomTranslation::RandomTranslation(FloatOrList height_factor, FloatOrList width_factor, RandomTranslationOptions o)
    : Concrete("RandomTranslation", layer_args_of(o), o.data_format, o.seed),
      height_factor_(std::move(height_factor)),
      width_factor_(std::move(width_factor)),
      options_(std::move(o)),
      height_range_(signed_factor_range(height_factor_, "height_factor", false)),
      width_range_(signed_factor_range(width_factor_, "width_factor", false)) {
  check_choice("fill_mode", options_.fill_mode, kAugmentFillModes);
  check_choice("interpolation", options_.interpolation, kAugmentInterpolations);
}

Tensor RandomTranslation::transform_images(const Tensor& images) {
  const int64_t batch = images.dim(0);
  const std::vector<double> dy = draw(batch, height_range_[0], height_range_[1]);
  const std::vector<double> dx = draw(batch, width_range_[0], width_range_[1]);
  std::vector<AffineParams> params;
  for (size_t i = 0; i < dy.size(); ++i)
    params.push_back({.translate_x = -dx[i] * static_cast<double>(images.dim(2)),
                      .translate_y = -dy[i] * static_cast<double>(images.dim(1))});
  return ops::image::affine_transform(images, affine_matrices(params, images.dim(1), images.dim(2), images),
                                      options_.interpolation, options_.fill_mode, options_.fill_value);
}

Config RandomTranslation::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["height_factor"] = config_value(height_factor_);
  c["width_factor"] = config_value(width_factor_);
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> RandomTranslation::from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<RandomTranslation>(r.required<FloatOrList>("height_factor"),
                                             r.required<FloatOrList>("width_factor"),
                                             r.options<RandomTranslationOptions>());
}

}  // namespace keras::layers
