#include "keras/layers/preprocessing/image_preprocessing/rand_augment.h"

#include <cmath>

#include "keras/layers/layer_config.h"
#include "layers/preprocessing/image_preprocessing/augment_layers_internal.h"

namespace keras::layers {

using keras::detail::cat;

const std::vector<std::string>& RandAugment::augment_layer_names() {
  static const std::vector<std::string> names{
      "random_shear",    "random_translation", "random_rotation",      "random_brightness", "random_color_degeneration",
      "random_contrast", "random_sharpness",   "random_posterization", "solarization",      "auto_contrast",
      "equalization"};
  return names;
}

RandAugment::RandAugment(RandAugmentOptions o)
    : Concrete("RandAugment", layer_args_of(o), o.data_format, o.seed), options_(std::move(o)) {
  const std::array<double, 2> factor = factor_range(options_.factor, 0.0, 1.0);
  options_.factor = FloatOrList{factor[0], factor[1]};
  value_range_of(options_.value_range);
  if (options_.num_ops < 0)
    fail(cat("The `num_ops` argument should be a non-negative integer. Received: num_ops=", options_.num_ops));
  check_choice("interpolation", options_.interpolation, kAugmentInterpolations);
  // The layers see channels-last batches whatever this layer's data_format.
  layers_ = detail::make_augment_layers(augment_layer_names(), {.factor = factor,
                                                                .value_range = options_.value_range,
                                                                .interpolation = options_.interpolation,
                                                                .seed = options_.seed,
                                                                .dtype = options_.dtype});
}

Tensor RandAugment::transform_images(const Tensor& images) {
  // Keras: randint((num_ops,), 0, len(layers)), one pick per op for the whole batch.
  if (options_.num_ops == 0) return images;
  const auto count = static_cast<double>(layers_.size());
  Tensor out = images;
  for (double u : draw(options_.num_ops, 0.0, count)) {
    const auto pick = std::min(static_cast<size_t>(std::floor(u)), layers_.size() - 1);
    out = detail::apply_augment_layer(*layers_[pick], out);
  }
  return out;
}

Config RandAugment::get_config() const { return config_with_fields(*this, options_); }

std::shared_ptr<Layer> RandAugment::from_config(const Config& config) {
  return std::make_shared<RandAugment>(ConfigReader(config).options<RandAugmentOptions>());
}

}  // namespace keras::layers
