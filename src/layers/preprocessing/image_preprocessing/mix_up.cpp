#include "keras/layers/preprocessing/image_preprocessing/mix_up.h"

#include <cmath>

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "layers/preprocessing/image_preprocessing/mix_internal.h"

namespace keras::layers {

using keras::detail::cat;

MixUp::MixUp(double alpha, MixUpOptions o)
    : Concrete("MixUp", layer_args_of(o), o.data_format, o.seed), alpha_(alpha), options_(std::move(o)) {
  if (!(alpha_ > 0.0) || !std::isfinite(alpha_))
    fail(cat("The `alpha` argument should be a positive number. Received: alpha=", alpha_));
}

Tensor MixUp::transform_images(const Tensor& images) {
  const int64_t batch = images.dim(0);
  detail::HostRandom rng(next_seed());
  const std::vector<int64_t> order = rng.permutation(batch);
  std::vector<double> w;
  for (int64_t i = 0; i < batch; ++i) w.push_back(rng.beta(alpha_, alpha_));
  const Tensor weight = per_image(w, images);
  const Tensor partners = ops::take_rows(images, Tensor::from_vector<int64_t>(order, Shape{batch}, images.device()));
  // w x + (1 - w) x_perm = x_perm + w (x - x_perm)
  return ops::add(partners, ops::multiply(weight, ops::subtract(images, partners)));
}

Config MixUp::get_config() const {
  Config c = Layer::get_config();
  c["data_format"] = options_.data_format;
  c["alpha"] = alpha_;
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> MixUp::from_config(const Config& config) {
  return ConfigReader(config).make<MixUp, double>("alpha", 0.2);
}

}  // namespace keras::layers
