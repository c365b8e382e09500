#include "keras/layers/preprocessing/image_preprocessing/cut_mix.h"

#include <cmath>

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "layers/preprocessing/image_preprocessing/mix_internal.h"

namespace keras::layers {

CutMix::CutMix(const FloatOrList& factor, CutMixOptions o)
    : Concrete("CutMix", layer_args_of(o), o.data_format, o.seed),
      factor_(factor_range(factor, 0.0, 1.0)),
      options_(std::move(o)) {}

Tensor CutMix::transform_images(const Tensor& images) {
  const int64_t batch = images.dim(0), height = images.dim(1), width = images.dim(2);
  if (batch == 1) return images;  // an image can only mix with itself
  const double alpha = draw(1, factor_[0], factor_[1])[0] + 1e-6;
  detail::HostRandom rng(next_seed());
  std::vector<double> ratio;
  for (int64_t i = 0; i < batch; ++i) ratio.push_back(std::sqrt(1.0 - rng.beta(alpha, alpha)));
  const auto xs = detail::crop_bounds(ratio, draw(batch), width);
  const auto ys = detail::crop_bounds(ratio, draw(batch), height);
  const std::vector<int64_t> order = rng.permutation(batch);
  const Tensor mask = detail::box_masks(xs, ys, height, width, images);
  const Tensor partners = ops::take_rows(images, Tensor::from_vector<int64_t>(order, Shape{batch}, images.device()));
  return ops::add(images, ops::multiply(mask, ops::subtract(partners, images)));
}

Config CutMix::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["factor"] = config_value(FloatOrList{factor_[0], factor_[1]});
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> CutMix::from_config(const Config& config) {
  return ConfigReader(config).make<CutMix, FloatOrList>("factor", 1.0);
}

}  // namespace keras::layers
