#include "keras/layers/preprocessing/image_preprocessing/random_flip.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"

namespace keras::layers {

RandomFlip::RandomFlip(std::string mode, RandomFlipOptions o)
    : Concrete("RandomFlip", layer_args_of(o), o.data_format, o.seed), mode_(std::move(mode)), options_(std::move(o)) {
  check_choice("mode", mode_, {"horizontal", "vertical", "horizontal_and_vertical"});
}

Tensor RandomFlip::transform_images(const Tensor& images) {
  std::vector<bool> flips;
  for (double u : draw(images.dim(0))) flips.push_back(u <= 0.5);
  Tensor flipped = images;
  if (mode_ != "vertical") flipped = ops::flip(flipped, 2);
  if (mode_ != "horizontal") flipped = ops::flip(flipped, 1);
  return select_images(flips, images, flipped);
}

Config RandomFlip::get_config() const {
  Config c = config_with_fields(*this, options_);
  c["mode"] = mode_;
  return c;
}

std::shared_ptr<Layer> RandomFlip::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<RandomFlip, std::string>("mode", "horizontal_and_vertical");
}

}  // namespace keras::layers
