#include "keras/layers/preprocessing/image_preprocessing/aug_mix.h"

#include <cmath>

#include "keras/layers/layer_config.h"
#include "keras/ops/math.h"
#include "layers/preprocessing/image_preprocessing/augment_layers_internal.h"

namespace keras::layers {

using keras::detail::cat;

const std::vector<std::string>& AugMix::augment_layer_names(bool all_ops) {
  static const std::vector<std::string> all{"random_shear",         "random_translation", "random_rotation",
                                            "random_posterization", "solarization",       "auto_contrast",
                                            "equalization",         "random_brightness",  "random_color_degeneration",
                                            "random_contrast",      "random_sharpness"};
  static const std::vector<std::string> some(all.begin(), all.begin() + 7);
  return all_ops ? all : some;
}

AugMix::AugMix(AugMixOptions o) : Concrete("AugMix", layer_args_of(o), o.data_format, o.seed), options_(std::move(o)) {
  const std::array<double, 2> factor = factor_range(options_.factor, 0.0, 1.0);
  options_.factor = FloatOrList{factor[0], factor[1]};
  value_range_ = value_range_of(options_.value_range);
  if (options_.num_chains < 1)
    fail(cat("The `num_chains` argument should be a positive integer. Received: num_chains=", options_.num_chains));
  if (options_.chain_depth < 0)
    fail(cat("The `chain_depth` argument should be a non-negative integer. Received: chain_depth=",
             options_.chain_depth));
  if (!(options_.alpha > 0.0) || !std::isfinite(options_.alpha))
    fail(cat("The `alpha` argument should be a positive number. Received: alpha=", options_.alpha));
  check_choice("interpolation", options_.interpolation, kAugmentInterpolations);
  layers_ = detail::make_augment_layers(augment_layer_names(options_.all_ops), {.factor = factor,
                                                                                .value_range = options_.value_range,
                                                                                .interpolation = options_.interpolation,
                                                                                .seed = options_.seed,
                                                                                .dtype = options_.dtype,
                                                                                .name = name()});
}

Tensor AugMix::transform_images(const Tensor& images) {
  // Per batch, in Keras's order: the chains' Dirichlet weights, the Beta blend, then the
  // chains' picks (index len(layers) is Keras's None: no layer at that step).
  const auto chains = static_cast<size_t>(options_.num_chains), depth = static_cast<size_t>(options_.chain_depth);
  detail::GammaSampler gamma(next_seed());
  std::vector<double> weights(chains);
  double total = 0.0;
  for (double& w : weights) total += (w = gamma(options_.alpha));
  for (double& w : weights) w = total > 0.0 ? w / total : 1.0 / static_cast<double>(chains);
  const double a = gamma(options_.alpha), b = gamma(options_.alpha);
  const double blend = a + b > 0.0 ? a / (a + b) : 0.5;
  const std::vector<double> picks =
      depth > 0 ? draw(static_cast<int64_t>(chains * depth), 0.0, static_cast<double>(layers_.size() + 1))
                : std::vector<double>{};

  const auto scalar = [&](double v) { return Tensor::scalar(v, images.dtype(), images.device()); };
  Tensor mixed;
  for (size_t k = 0; k < chains; ++k) {
    Tensor chain = images;
    for (size_t d = 0; d < depth; ++d) {
      const auto pick = static_cast<size_t>(std::floor(picks[k * depth + d]));
      if (pick < layers_.size()) chain = detail::apply_augment_layer(*layers_[pick], chain);
    }
    const Tensor weighted = ops::multiply(chain, scalar(weights[k]));
    mixed = k == 0 ? weighted : ops::add(mixed, weighted);
  }
  const Tensor out = ops::add(ops::multiply(images, scalar(blend)), ops::multiply(mixed, scalar(1.0 - blend)));
  return ops::clip(out, value_range_[0], value_range_[1]);
}

Config AugMix::get_config() const { return config_with_fields(*this, options_); }

std::shared_ptr<Layer> AugMix::from_config(const Config& config) {
  return std::make_shared<AugMix>(ConfigReader(config).options<AugMixOptions>());
}

}  // namespace keras::layers
