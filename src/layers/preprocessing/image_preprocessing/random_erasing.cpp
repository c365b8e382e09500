#include "keras/layers/preprocessing/image_preprocessing/random_erasing.h"

#include <cmath>

#include "keras/layers/layer_config.h"
#include "keras/ops/math.h"
#include "layers/preprocessing/image_preprocessing/mix_internal.h"

namespace keras::layers {

using keras::detail::cat;

RandomErasing::RandomErasing(const FloatOrList& factor, RandomErasingOptions o)
    : Concrete("RandomErasing", layer_args_of(o), o.data_format, o.seed),
      factor_(factor_range(factor, 0.0, 1.0)),
      options_(std::move(o)),
      value_range_(value_range_of(options_.value_range)) {
  const auto scale = factor_range(options_.scale, 0.0, 1.0, "scale");
  options_.scale = FloatOrList{scale[0], scale[1]};
  if (options_.fill_value && options_.fill_value->is_list && options_.fill_value->values.size() != 3)
    fail(cat("The `fill_value` argument should be a number (or a list of three numbers). Received: a list of ",
             options_.fill_value->values.size(), " numbers"));
}

Tensor RandomErasing::transform_images(const Tensor& images) {
  const int64_t batch = images.dim(0), height = images.dim(1), width = images.dim(2), channels = images.dim(3);
  const std::vector<double> side = draw(2 * batch, options_.scale.values[0], options_.scale.values[1]);
  std::vector<double> ratio_x, ratio_y;
  for (int64_t i = 0; i < batch; ++i) {
    ratio_x.push_back(std::sqrt(side[static_cast<size_t>(2 * i)]));
    ratio_y.push_back(std::sqrt(side[static_cast<size_t>(2 * i + 1)]));
  }
  const auto xs = detail::crop_bounds(ratio_x, draw(batch), width);
  const auto ys = detail::crop_bounds(ratio_y, draw(batch), height);
  const std::vector<double> p = draw(batch, factor_[0], factor_[1]), u = draw(batch);
  std::vector<double> apply;
  for (size_t i = 0; i < p.size(); ++i) apply.push_back(u[i] < p[i] ? 1.0 : 0.0);

  Tensor fill;
  if (!options_.fill_value) {
    fill = ops::multiply(random::normal(images.shape(), 0.0, 1.0, next_seed(), images.device()),
                         Tensor::scalar(value_range_[1], DType::float32, images.device()));
    if (fill.dtype() != images.dtype()) fill = ops::cast(fill, images.dtype());
  } else if (options_.fill_value->is_list) {
    if (channels != 3)
      fail(cat("The `fill_value` list of 3 numbers needs images with 3 channels. Received: images.shape=",
               images.shape().to_string()));
    const auto& v = options_.fill_value->values;
    fill = ops::cast(
        Tensor::from_vector<float>({static_cast<float>(v[0]), static_cast<float>(v[1]), static_cast<float>(v[2])},
                                   Shape{1, 1, 1, 3}, images.device()),
        images.dtype());
  } else {
    fill = Tensor::full({1, 1, 1, 1}, options_.fill_value->values[0], images.dtype(), images.device());
  }
  fill = ops::clip(fill, value_range_[0], value_range_[1]);
  // Erase where the box and the image's draw say so: x + mask * (fill - x).
  const Tensor mask = ops::multiply(detail::box_masks(xs, ys, height, width, images), per_image(apply, images));
  return ops::add(images, ops::multiply(mask, ops::subtract(fill, images)));
}

Config RandomErasing::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["factor"] = config_value(FloatOrList{factor_[0], factor_[1]});
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> RandomErasing::from_config(const Config& config) {
  return ConfigReader(config).make<RandomErasing, FloatOrList>("factor", 1.0);
}

}  // namespace keras::layers
