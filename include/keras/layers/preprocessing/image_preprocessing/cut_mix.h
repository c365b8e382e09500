// keras.layers.CutMix (keras/src/layers/preprocessing/image_preprocessing/cut_mix.py):
// in training, a rectangle of each image is replaced by the same rectangle of another
// image of the batch (a random permutation). alpha is drawn once per call from
// [factor_low, factor_high] (+1e-6), each image's weight w from Beta(alpha, alpha), and
// the rectangle's sides are sqrt(1 - w) times the image's, at a random place. Keras
// mixes the labels by the rectangle's area when they are passed in a dict; a layer in a
// model sees images only. The identity at inference and for an unbatched image.
//
// Args: factor (f in [0, 1] gives [0, f], or a (low, high) pair: the range of alpha);
//   seed; data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first
//   likewise. Output shape: the same.
//
//   layers::CutMix(1.0, {.seed = 7});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// CutMix's keyword arguments after factor.
struct CutMixOptions {
  std::optional<uint64_t> seed{};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = CutMixOptions;
    return std::tuple{field("data_format", &O::data_format), field("seed", &O::seed)};
  }
};

class CutMix : public Concrete<CutMix, BaseImagePreprocessingLayer> {
 public:
  using Options = CutMixOptions;
  explicit CutMix(const FloatOrList& factor = 1.0, CutMixOptions options = {});
  /// Keras's order: data_format, factor (the (low, high) pair), seed.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::array<double, 2> factor() const { return factor_; }
  const CutMixOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  std::array<double, 2> factor_;
  CutMixOptions options_;
};

}  // namespace keras::layers
