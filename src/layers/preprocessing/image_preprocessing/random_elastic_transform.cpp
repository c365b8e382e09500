#include "keras/layers/preprocessing/image_preprocessing/random_elastic_transform.h"

#include <algorithm>
#include <cmath>

#include "keras/layers/layer_config.h"
#include "keras/layers/preprocessing/image_preprocessing/random_gaussian_blur.h"
#include "keras/ops/math.h"
#include "ops/image_internal.h"

namespace keras::layers {

RandomElasticTransform::RandomElasticTransform(const FloatOrList& factor, RandomElasticTransformOptions o)
    : Concrete("RandomElasticTransform", layer_args_of(o), o.data_format, o.seed),
      factor_(factor_range(factor, 0.0, 1.0)),
      options_(std::move(o)),
      value_range_(value_range_of(options_.value_range)) {
  const auto scale = factor_range(options_.scale, 0.0, 1.0, "scale");
  options_.scale = FloatOrList{scale[0], scale[1]};
  check_choice("interpolation", options_.interpolation, kAugmentInterpolations);
  check_choice("fill_mode", options_.fill_mode, {"reflect", "wrap", "constant", "nearest", "mirror"});
}

Tensor RandomElasticTransform::transform_images(const Tensor& images) {
  if (options_.scale.values[1] == 0.0 || factor_[1] == 0.0) return images;  // Keras: no transformation at all
  const int64_t batch = images.dim(0), height = images.dim(1), width = images.dim(2);
  const std::vector<double> p = draw(batch, factor_[0], factor_[1]), u = draw(batch);
  const double d = draw(1, options_.scale.values[0], options_.scale.values[1])[0];
  std::vector<bool> apply;
  for (size_t i = 0; i < p.size(); ++i) apply.push_back(u[i] < p[i]);
  Tensor out = images;
  const double sigma = 0.05 * d * static_cast<double>(std::min(height, width));
  const double alpha = 0.1 * d * static_cast<double>(std::max(height, width));
  if (sigma > 0.0 && std::find(apply.begin(), apply.end(), true) != apply.end()) {
    const int64_t size = static_cast<int64_t>(6.0 * sigma) | 1;
    // Normal noise times sigma, blurred by the Gaussian of sigma (on the CPU: these are
    // sampling positions, which carry no gradient).
    const auto field = [&] {
      const Tensor noise = random::normal(Shape{batch, height, width, 1}, 0.0, sigma, next_seed(), Device::cpu());
      return RandomGaussianBlur::gaussian_blur(noise, {size, size}, {sigma, sigma}).to_vector<double>();
    };
    const std::vector<double> dx = field(), dy = field();
    std::vector<double> rows(dx.size()), cols(dx.size());
    for (size_t q = 0; q < dx.size(); ++q) {
      const auto pixel = static_cast<int64_t>(q) % (height * width);
      rows[q] = static_cast<double>(pixel / width) + alpha * dy[q];
      cols[q] = static_cast<double>(pixel % width) + alpha * dx[q];
    }
    out = select_images(apply, images,
                        ops::image::detail::map_coordinates(images, rows, cols, options_.interpolation,
                                                            options_.fill_mode, options_.fill_value));
  }
  return ops::clip(out, value_range_[0], value_range_[1]);
}

Config RandomElasticTransform::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["factor"] = config_value(FloatOrList{factor_[0], factor_[1]});
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> RandomElasticTransform::from_config(const Config& config) {
  return ConfigReader(config).make<RandomElasticTransform, FloatOrList>("factor", 1.0);
}

}  // namespace keras::layers
