// What RandAugment and AugMix share (src only): Keras builds both from the same
// augmentation layers, each configured from the composite's factor, value range,
// interpolation and seed, and applies a chosen one's transformation to the images.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers::detail {

/// What the composite hands to its augmentation layers.
struct AugmentSettings {
  std::array<double, 2> factor;  // (low, high) within [0, 1]
  FloatOrList value_range;
  std::string interpolation;
  std::optional<uint64_t> seed;
  std::optional<DTypePolicy> dtype;
  std::string name;  // the composite's: the layers are named <name>_<attribute>
};

/// Keras's augmentation layers by their attribute names ("random_shear",
/// "random_translation", "random_rotation", "random_brightness",
/// "random_color_degeneration", "random_contrast", "random_sharpness",
/// "random_posterization", "solarization", "auto_contrast", "equalization"), built as
/// RandAugment and AugMix build them: the shears, translations and rotations and the
/// colour factors take `factor`; Solarization takes it for both its factors;
/// RandomPosterization takes max(1, int(8 * factor_high)) bits.
std::vector<std::shared_ptr<BaseImagePreprocessingLayer>> make_augment_layers(const std::vector<std::string>& names,
                                                                              const AugmentSettings& settings);

/// The training transformation of `layer` on a channels-last batch (a fresh draw of its
/// random parameters).
Tensor apply_augment_layer(BaseImagePreprocessingLayer& layer, const Tensor& images);

/// Gamma(alpha, 1) draws (AugMix's Dirichlet and Beta weights: a handful of scalars per
/// batch) by Marsaglia and Tsang's method, alpha < 1 through Gamma(alpha + 1) U^(1/alpha),
/// on a fixed-algorithm engine so that a seed gives the same numbers everywhere.
class GammaSampler {
 public:
  explicit GammaSampler(uint64_t seed) : engine_(seed) {}
  double operator()(double alpha);

 private:
  double uniform() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }  // in (0, 1)
  double normal();
  std::mt19937_64 engine_;
};

}  // namespace keras::layers::detail
