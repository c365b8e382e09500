// keras.layers.MixUp (keras/src/layers/preprocessing/image_preprocessing/mix_up.py):
// in training, each image i becomes w_i * image_i + (1 - w_i) * image_perm(i), with a
// random permutation of the batch and w_i drawn from Beta(alpha, alpha). Keras mixes the
// labels with the same weights when they are passed in a dict; a layer in a model sees
// images only, so here the images are mixed. The identity at inference.
//
// Args: alpha (> 0: the Beta distribution's parameters; small alphas give weights near
//     0 or 1); data_format; seed.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels) (an unbatched
//   image mixes with itself: unchanged); channels first likewise. Output shape: the same.
//
//   layers::MixUp(0.2, {.seed = 7});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// MixUp's keyword arguments after alpha.
struct MixUpOptions {
  std::string data_format = "channels_last";
  std::optional<uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = MixUpOptions;
    return std::tuple{field("data_format", &O::data_format), field("seed", &O::seed)};
  }
};

class MixUp : public Concrete<MixUp, BaseImagePreprocessingLayer> {
 public:
  using Options = MixUpOptions;
  explicit MixUp(double alpha = 0.2, MixUpOptions options = {});
  /// Keras's order: data_format, alpha, seed.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  double alpha() const { return alpha_; }
  const MixUpOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  double alpha_;
  MixUpOptions options_;
};

}  // namespace keras::layers
