// keras.layers.RandomPerspective (keras/src/layers/preprocessing/image_preprocessing/random_perspective.py):
// in training, each image is warped with a probability drawn from [factor_low,
// factor_high] by a projective transformation: the corners (0, 0), (w-1, 0), (0, h-1),
// (w-1, h-1) move to corner * (1 + d), each d drawn from [-scale/2, scale/2] (so the
// top-left corner stays), and every output pixel reads the input point the homography
// of that move sends it to (keras.ops.image.perspective_transform: constant fill). The
// identity at inference.
//
// Args: factor (probability: f in [0, 1] gives [0, f], or a (low, high) pair); scale
//     (in [0, 1]: how far the corners move); interpolation ("bilinear" | "nearest");
//   fill_value (what points outside the image read); seed; data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::RandomPerspective(0.5, {.scale = 0.4, .seed = 7});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomPerspective's keyword arguments after factor.
struct RandomPerspectiveOptions {
  double scale = 1.0;
  std::string interpolation = "bilinear";
  double fill_value = 0.0;
  std::optional<uint64_t> seed{};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RandomPerspectiveOptions;
    return std::tuple{field("data_format", &O::data_format), field("scale", &O::scale),
                      field("interpolation", &O::interpolation), field("fill_value", &O::fill_value),
                      field("seed", &O::seed)};
  }
};

class RandomPerspective : public Concrete<RandomPerspective, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomPerspectiveOptions;
  explicit RandomPerspective(const FloatOrList& factor = 1.0, RandomPerspectiveOptions options = {});
  /// Keras's order: data_format, factor (the (low, high) pair), scale, interpolation,
  /// fill_value, seed.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::array<double, 2> factor() const { return factor_; }
  const RandomPerspectiveOptions& options() const { return options_; }

  /// Keras's compute_homography_matrix: the 8 numbers [a0, a1, a2, b0, b1, b2, c0, c1]
  /// (ops::image::affine_transform's form) of the projective map sending each of the
  /// four `end` points (x, y) to its `start` point; solved in double. Empty when the
  /// points admit no such map (three on a line).
  static std::vector<double> homography(const std::array<std::array<double, 2>, 4>& start,
                                        const std::array<std::array<double, 2>, 4>& end);

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  std::array<double, 2> factor_;
  RandomPerspectiveOptions options_;
};

}  // namespace keras::layers
