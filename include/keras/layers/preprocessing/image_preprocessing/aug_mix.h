// keras.layers.AugMix (keras/src/layers/preprocessing/image_preprocessing/aug_mix.py):
// in training, mixes num_chains augmentation chains of the images and blends the mix
// with the images:
//   out = clip(m x + (1 - m) sum_k w_k chain_k(x), value_range),
// w ~ Dirichlet(alpha, ..., alpha) over the chains, m ~ Beta(alpha, alpha), both drawn
// once per batch as in Keras. Each chain has chain_depth steps; a step picks uniformly
// one of the augmentation layers or none (so a chain applies 0..chain_depth layers),
// the same picks for the whole batch; each layer draws its own per-image parameters.
// The identity at inference.
//
// The layers (all_ops): RandomShear, RandomTranslation, RandomRotation,
// RandomPosterization, Solarization, AutoContrast, Equalization, RandomBrightness,
// RandomColorDegeneration, RandomContrast, RandomSharpness; without all_ops the first
// seven. They are built from factor, value_range, interpolation and seed as RandAugment
// builds them. Keras picks the chain steps with Python's unseeded `random`; here the
// layer's seed drives them too, so a seeded AugMix repeats.
//
// Args: value_range (default (0, 255)); num_chains (default 3); chain_depth (default
//   3); factor (a number f in [0, 1] meaning (0, f), or a pair; default 0.3); alpha
//   (Dirichlet and Beta parameter, default 1.0); all_ops (default true); interpolation
//   ("bilinear" | "nearest"); seed; data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::AugMix({.value_range = FloatOrList{0.0, 1.0}, .num_chains = 2, .seed = 7});
#pragma once

#include <memory>

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// AugMix's keyword arguments (Keras's order and defaults).
struct AugMixOptions {
  FloatOrList value_range{0.0, 255.0};
  int64_t num_chains = 3;
  int64_t chain_depth = 3;
  FloatOrList factor = 0.3;
  double alpha = 1.0;
  bool all_ops = true;
  std::string interpolation = "bilinear";
  std::optional<uint64_t> seed{};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = AugMixOptions;
    return std::tuple{field("data_format", &O::data_format),
                      field("value_range", &O::value_range),
                      field("num_chains", &O::num_chains),
                      field("chain_depth", &O::chain_depth),
                      field("factor", &O::factor),
                      field("alpha", &O::alpha),
                      field("all_ops", &O::all_ops),
                      field("interpolation", &O::interpolation),
                      field("seed", &O::seed)};
  }
};

class AugMix : public Concrete<AugMix, BaseImagePreprocessingLayer> {
 public:
  using Options = AugMixOptions;
  /// factor is stored as Keras stores it: a (low, high) pair.
  explicit AugMix(AugMixOptions options = {});
  /// Keras's order: data_format, value_range, num_chains, chain_depth, factor, alpha,
  /// all_ops, interpolation, seed.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const AugMixOptions& options() const { return options_; }
  /// Keras's layer list for all_ops (AUGMENT_LAYERS_ALL) or not (AUGMENT_LAYERS).
  static const std::vector<std::string>& augment_layer_names(bool all_ops);

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  AugMixOptions options_;
  std::array<double, 2> value_range_;
  std::vector<std::shared_ptr<BaseImagePreprocessingLayer>> layers_;
};

}  // namespace keras::layers
