#include "keras/layers/preprocessing/image_preprocessing/rand_augment.h"

#include <algorithm>
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
    : Concrete("RandAugment", layer_args_of(o), o.data_format, o.seed),
      options_(std::move(o)),
      factor_(factor_range(options_.factor, 0.0, 1.0)) {
  options_.factor = FloatOrList{factor_[0], factor_[1]};
  value_range_of(options_.value_range);
  if (options_.num_ops < 0)
    fail(cat("The `num_ops` argument should be a non-negative integer. Received: num_ops=", options_.num_ops));
  check_choice("interpolation", options_.interpolation, kAugmentInterpolations);
}

Tensor RandAugment::transform_images(const Tensor& images) {
  if (options_.num_ops == 0) return images;
  // Keras: randint((num_ops,), 0, len(layers)), one pick per op for the whole batch, and
  // one transformation per layer per call. A layer built from a seed draws the same
  // parameters each time it is built, so each pick builds its layer from a seed fixed
  // for this call (and distinct between layers). The layers see channels-last batches.
  const std::vector<std::string>& names = augment_layer_names();
  const std::vector<double> picks = draw(options_.num_ops, 0.0, static_cast<double>(names.size()));
  const uint64_t call_seed = next_seed();
  Tensor out = images;
  for (double u : picks) {
    const auto pick = std::min(static_cast<size_t>(std::floor(u)), names.size() - 1);
    const auto layer = detail::make_augment_layers({names[pick]}, {.factor = factor_,
                                                                   .value_range = options_.value_range,
                                                                   .interpolation = options_.interpolation,
                                                                   .seed = call_seed + 0x9E3779B97F4A7C15ULL * pick,
                                                                   .dtype = options_.dtype,
                                                                   .name = name()});
    out = detail::apply_augment_layer(*layer.front(), out);
  }
  return out;
}

Config RandAugment::get_config() const { return config_with_fields(*this, options_); }

std::shared_ptr<Layer> RandAugment::from_config(const Config& config) {
  return std::make_shared<RandAugment>(ConfigReader(config).options<RandAugmentOptions>());
}

}  // namespace keras::layers
