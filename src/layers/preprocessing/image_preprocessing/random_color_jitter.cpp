#include "keras/layers/preprocessing/image_preprocessing/random_color_jitter.h"

#include "keras/layers/layer_config.h"
#include "keras/layers/preprocessing/image_preprocessing/random_brightness.h"
#include "keras/layers/preprocessing/image_preprocessing/random_contrast.h"
#include "keras/layers/preprocessing/image_preprocessing/random_hue.h"
#include "keras/layers/preprocessing/image_preprocessing/random_saturation.h"

namespace keras::layers {

RandomColorJitter::RandomColorJitter(RandomColorJitterOptions o)
    : Concrete("RandomColorJitter", layer_args_of(o), o.data_format, o.seed), options_(std::move(o)) {
  const auto& vr = options_.value_range;
  const auto& seed = options_.seed;
  const std::string prefix = name() + "_";
  if (options_.brightness_factor)
    steps_.push_back(std::make_shared<RandomBrightness>(
        *options_.brightness_factor,
        RandomBrightnessOptions{
            .value_range = vr, .seed = seed, .name = prefix + "brightness", .dtype = options_.dtype}));
  if (options_.contrast_factor)
    steps_.push_back(std::make_shared<RandomContrast>(
        *options_.contrast_factor,
        RandomContrastOptions{.value_range = vr, .seed = seed, .name = prefix + "contrast", .dtype = options_.dtype}));
  if (options_.saturation_factor)
    steps_.push_back(std::make_shared<RandomSaturation>(
        *options_.saturation_factor,
        RandomSaturationOptions{
            .value_range = vr, .seed = seed, .name = prefix + "saturation", .dtype = options_.dtype}));
  if (options_.hue_factor)
    steps_.push_back(std::make_shared<RandomHue>(
        *options_.hue_factor,
        RandomHueOptions{.value_range = vr, .seed = seed, .name = prefix + "hue", .dtype = options_.dtype}));
}

Tensor RandomColorJitter::transform_images(const Tensor& images) {
  Tensor x = images;
  for (const auto& step : steps_) x = (*step)(x, true);
  return x;
}

Config RandomColorJitter::get_config() const { return config_with_fields(*this, options_); }

std::shared_ptr<Layer> RandomColorJitter::from_config(const Config& config) {
  return std::make_shared<RandomColorJitter>(ConfigReader(config).options<RandomColorJitterOptions>());
}

}  // namespace keras::layers
