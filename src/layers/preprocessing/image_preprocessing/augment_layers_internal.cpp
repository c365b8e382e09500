#include "layers/preprocessing/image_preprocessing/augment_layers_internal.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "keras/layers/preprocessing/image_preprocessing/auto_contrast.h"
#include "keras/layers/preprocessing/image_preprocessing/equalization.h"
#include "keras/layers/preprocessing/image_preprocessing/random_brightness.h"
#include "keras/layers/preprocessing/image_preprocessing/random_color_degeneration.h"
#include "keras/layers/preprocessing/image_preprocessing/random_contrast.h"
#include "keras/layers/preprocessing/image_preprocessing/random_posterization.h"
#include "keras/layers/preprocessing/image_preprocessing/random_rotation.h"
#include "keras/layers/preprocessing/image_preprocessing/random_sharpness.h"
#include "keras/layers/preprocessing/image_preprocessing/random_shear.h"
#include "keras/layers/preprocessing/image_preprocessing/random_translation.h"
#include "keras/layers/preprocessing/image_preprocessing/solarization.h"

namespace keras::layers::detail {

namespace {

/// Calls the protected transform_images of any augmentation layer: a pointer to the
/// member named through a class derived from the base is allowed where the member
/// itself is not ([class.protected]); never instantiated.
struct AugmentAccess : BaseImagePreprocessingLayer {
  static Tensor apply(BaseImagePreprocessingLayer& layer, const Tensor& images) {
    return (layer.*(&AugmentAccess::transform_images))(images);
  }
};

}  // namespace

std::vector<std::shared_ptr<BaseImagePreprocessingLayer>> make_augment_layers(const std::vector<std::string>& names,
                                                                              const AugmentSettings& s) {
  const FloatOrList factor{s.factor[0], s.factor[1]};
  std::vector<std::shared_ptr<BaseImagePreprocessingLayer>> out;
  for (const std::string& name : names) {
    // Named, so that building them (RandAugment does per call) takes no automatic names.
    const std::string n = s.name + "_" + name;
    const ColorAugmentationOptions color{.value_range = s.value_range, .seed = s.seed, .name = n, .dtype = s.dtype};
    if (name == "random_shear") {
      out.push_back(std::make_shared<RandomShear>(RandomShearOptions{.x_factor = factor,
                                                                     .y_factor = factor,
                                                                     .interpolation = s.interpolation,
                                                                     .seed = s.seed,
                                                                     .name = n,
                                                                     .dtype = s.dtype}));
    } else if (name == "random_translation") {
      out.push_back(std::make_shared<RandomTranslation>(
          factor, factor,
          RandomTranslationOptions{.interpolation = s.interpolation, .seed = s.seed, .name = n, .dtype = s.dtype}));
    } else if (name == "random_rotation") {
      out.push_back(std::make_shared<RandomRotation>(
          factor,
          RandomRotationOptions{.interpolation = s.interpolation, .seed = s.seed, .name = n, .dtype = s.dtype}));
    } else if (name == "random_brightness") {
      out.push_back(std::make_shared<RandomBrightness>(
          factor, RandomBrightnessOptions{.value_range = s.value_range, .seed = s.seed, .name = n, .dtype = s.dtype}));
    } else if (name == "random_color_degeneration") {
      out.push_back(std::make_shared<RandomColorDegeneration>(factor, color));
    } else if (name == "random_contrast") {
      out.push_back(std::make_shared<RandomContrast>(
          factor, RandomContrastOptions{.value_range = s.value_range, .seed = s.seed, .name = n, .dtype = s.dtype}));
    } else if (name == "random_sharpness") {
      out.push_back(std::make_shared<RandomSharpness>(factor, color));
    } else if (name == "random_posterization") {
      out.push_back(std::make_shared<RandomPosterization>(std::max(1, static_cast<int>(8.0 * s.factor[1])), color));
    } else if (name == "solarization") {
      out.push_back(std::make_shared<Solarization>(SolarizationOptions{.addition_factor = factor,
                                                                       .threshold_factor = factor,
                                                                       .value_range = s.value_range,
                                                                       .seed = s.seed,
                                                                       .name = n,
                                                                       .dtype = s.dtype}));
    } else if (name == "auto_contrast") {
      out.push_back(std::make_shared<AutoContrast>(
          AutoContrastOptions{.value_range = s.value_range, .name = n, .dtype = s.dtype}));
    } else if (name == "equalization") {
      out.push_back(std::make_shared<Equalization>(
          EqualizationOptions{.value_range = s.value_range, .name = n, .dtype = s.dtype}));
    } else {
      throw ValueError("make_augment_layers: unknown augmentation layer " + name);
    }
  }
  return out;
}

Tensor apply_augment_layer(BaseImagePreprocessingLayer& layer, const Tensor& images) {
  return AugmentAccess::apply(layer, images);
}

double GammaSampler::operator()(double alpha) {
  if (alpha < 1.0) return (*this)(alpha + 1.0) * std::pow(uniform(), 1.0 / alpha);
  const double d = alpha - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0, v = 0.0;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    if (std::log(uniform()) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

double GammaSampler::normal() {  // Box-Muller
  return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * std::numbers::pi * uniform());
}

}  // namespace keras::layers::detail
