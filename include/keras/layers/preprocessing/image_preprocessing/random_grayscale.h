// keras.layers.RandomGrayscale
// (keras/src/layers/preprocessing/image_preprocessing/random_grayscale.py): in training,
// turns each image to grayscale (0.2989 R + 0.587 G + 0.114 B, in all three channels)
// with probability `factor`; the identity at inference. RGB images (3 channels).
//
// Args: factor (probability in [0, 1]; 0.5); data_format; seed (Keras leaves it out of
//   the config, so a reloaded layer follows the global seed).
// Input shape: (batch, h, w, 3) or unbatched (h, w, 3). Output: the same.
//
//   layers::RandomGrayscale(0.2);
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomGrayscale's keyword arguments after factor.
struct RandomGrayscaleOptions {
  std::string data_format = "channels_last";
  std::optional<uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() { return std::tuple{field("data_format", &RandomGrayscaleOptions::data_format)}; }
};

class RandomGrayscale : public Concrete<RandomGrayscale, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomGrayscaleOptions;
  explicit RandomGrayscale(double factor = 0.5, RandomGrayscaleOptions options = {});
  /// Keras's order: data_format, factor.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  double factor() const { return factor_; }
  const RandomGrayscaleOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  double factor_;
  RandomGrayscaleOptions options_;
};

}  // namespace keras::layers
