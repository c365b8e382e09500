#include "keras/layers/preprocessing/image_preprocessing/random_grayscale.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/image.h"

namespace keras::layers {

RandomGrayscale::RandomGrayscale(double factor, RandomGrayscaleOptions o)
    : Concrete("RandomGrayscale", layer_args_of(o), o.data_format, o.seed), factor_(factor), options_(std::move(o)) {
  if (!(factor_ >= 0.0 && factor_ <= 1.0))
    fail(keras::detail::cat("`factor` should be between 0 and 1. Received: factor=", factor_));
}

Tensor RandomGrayscale::transform_images(const Tensor& images) {
  std::vector<bool> apply;
  for (double u : draw(images.dim(0))) apply.push_back(u < factor_);
  const Tensor gray = ops::broadcast_to(ops::image::rgb_to_grayscale(images), images.shape());
  return select_images(apply, images, gray);
}

Config RandomGrayscale::get_config() const {
  Config c = config_with_fields(*this, options_);
  c["factor"] = factor_;
  return c;
}

std::shared_ptr<Layer> RandomGrayscale::from_config(const Config& config) {
  return ConfigReader(config).make<RandomGrayscale, double>("factor", 0.5);
}

}  // namespace keras::layers
