// keras.layers.RandomShear (keras/src/layers/preprocessing/image_preprocessing/random_shear.py):
// in training, shears each image along x and y about its top-left corner
// (ops::image::affine_transform with [1, s_x, 0, s_y, 1, 0, 0, 0]: the output pixel
// (x, y) reads the input at (x + s_x y, y + s_y x)); the identity at inference.
//
// Per image: s_x drawn from x_factor's range, s_y from y_factor's, and both negated
// together with probability 1/2, as Keras draws them.
//
// Args: x_factor, y_factor (a number f in [0, 1]: the range (-f, f); or a (low, high)
//     pair, each value in [0, 1]); interpolation ("bilinear" | "nearest"); fill_mode
//     ("reflect" | "wrap" | "constant" | "nearest": what points outside the image read);
//   fill_value (for "constant"); data_format; seed.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::RandomShear({.x_factor = FloatOrList{0.0, 0.2}, .y_factor = 0.1, .seed = 7});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomShear's keyword arguments (Keras's order and defaults).
struct RandomShearOptions {
  FloatOrList x_factor = 0.0;
  FloatOrList y_factor = 0.0;
  std::string interpolation = "bilinear";
  std::string fill_mode = "reflect";
  double fill_value = 0.0;
  std::string data_format = "channels_last";
  std::optional<uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RandomShearOptions;
    return std::tuple{field("data_format", &O::data_format),     field("x_factor", &O::x_factor),
                      field("y_factor", &O::y_factor),           field("fill_mode", &O::fill_mode),
                      field("interpolation", &O::interpolation), field("seed", &O::seed),
                      field("fill_value", &O::fill_value)};
  }
};

class RandomShear : public Concrete<RandomShear, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomShearOptions;
  /// The factors are stored as Keras stores them: (low, high) pairs.
  explicit RandomShear(RandomShearOptions options = {});
  /// Keras's order: data_format, x_factor, y_factor, fill_mode, interpolation, seed, fill_value.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::array<double, 2> x_factor() const { return x_factor_; }
  std::array<double, 2> y_factor() const { return y_factor_; }
  const RandomShearOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  RandomShearOptions options_;
  std::array<double, 2> x_factor_, y_factor_;
};

}  // namespace keras::layers
