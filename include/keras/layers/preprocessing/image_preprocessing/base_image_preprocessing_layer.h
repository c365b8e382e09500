// The base of Keras's image augmentation layers
// (keras/src/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.py):
// what RandomFlip, RandomRotation, RandomContrast, ... share.
//
// - Training versus inference: in training (inside fit, or called with training=true)
//   the layer draws a random transformation per call and applies it; at inference it
//   returns its input unchanged (cast to the layer's dtype), as Keras does.
// - Images: rank 4 (batch, height, width, channels) or rank 3 (one image, drawn as a
//   batch of one), channels last or first (data_format). A leaf sees a channels-last
//   batch only (transform_images).
// - Randomness: a SeedGenerator, so a layer built with `seed` repeats its sequence of
//   transformations and one without follows the global seed (keras::utils::set_random_seed).
// - Factors: Keras's "a number f, or a (low, high) pair" arguments (factor_range), value
//   ranges (value_range_of) and the affine matrices of the geometric layers
//   (affine_matrices).
// - Gradients: the transformations are ops on the images (gathers, flips, arithmetic),
//   so a model's backward pass goes through them; the random draws themselves carry
//   no gradient, as in Keras.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "keras/layers/layer.h"
#include "keras/layers/options.h"
#include "keras/random/random.h"

namespace keras::layers {

class BaseImagePreprocessingLayer : public Layer {
 public:
  /// Inference: the images unchanged. Training: transform_images on the images as a
  /// channels-last batch, returned in their own layout.
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  /// The input shape (rank 3 or 4), with output_size for the spatial axes.
  Shape compute_output_shape(const Shape& input_shape) override;
  const std::string& data_format() const { return data_format_; }

 protected:
  BaseImagePreprocessingLayer(std::string class_name, const LayerArgs& args, const std::string& data_format,
                              std::optional<uint64_t> seed);

  /// The training transformation of a float, channels-last batch (batch, height, width,
  /// channels) with at least one element.
  virtual Tensor transform_images(const Tensor& images) = 0;
  /// The (height, width) of the training output for an input of (height, width).
  virtual std::array<int64_t, 2> output_size(int64_t height, int64_t width) const { return {height, width}; }
  /// Whether transform_images runs at inference too (AutoContrast, Equalization: not
  /// random, so Keras applies them always).
  virtual bool transforms_at_inference() const { return false; }

  /// Keras's _set_factor: a number f gives (max(-|f|, bound_low), |f|), a pair is sorted;
  /// either must lie within [bound_low, bound_high]. Errors name `arg`.
  std::array<double, 2> factor_range(const FloatOrList& factor, double bound_low, double bound_high,
                                     const std::string& arg = "factor") const;
  /// RandomZoom / RandomTranslation's form: a number f gives (-|f|, |f|), a pair is
  /// sorted; each value within (-1, 1] (zoom: `open_low`) or [-1, 1].
  std::array<double, 2> signed_factor_range(const FloatOrList& factor, const std::string& arg, bool open_low) const;
  /// `value_range`: two numbers, low < high.
  std::array<double, 2> value_range_of(const FloatOrList& value_range) const;
  /// Fails unless `value` is one of `choices` (fill_mode, interpolation, mode).
  void check_choice(const std::string& arg, const std::string& value, const std::vector<std::string>& choices) const;

  /// `n` uniform draws in [low, high) from the layer's next seed (the ends may come in
  /// either order).
  std::vector<double> draw(int64_t n, double low = 0.0, double high = 1.0);
  /// The next seed of the layer's generator.
  uint64_t next_seed() { return seeds_.next(); }
  /// Per-image values as a (batch, 1, 1, 1) tensor of the images' dtype and device.
  static Tensor per_image(const std::vector<double>& values, const Tensor& images);
  /// Image i of `b` where pick[i], else image i of `a` (same shapes).
  static Tensor select_images(const std::vector<bool>& pick, const Tensor& a, const Tensor& b);
  /// Keras's _transform_value_range: maps [from[0], from[1]] linearly onto [to[0], to[1]].
  static Tensor transform_value_range(const Tensor& images, std::array<double, 2> from, std::array<double, 2> to);
  /// Keras's _compute_affine_matrix, per image: rotation by angle (degrees) about the
  /// centre (center_x * (width - 1), center_y * (height - 1)), scale, shear (degrees)
  /// and translation, as (batch, 8) transforms for ops::image::affine_transform.
  struct AffineParams {
    double center_x = 0.5, center_y = 0.5, angle = 0.0, translate_x = 0.0, translate_y = 0.0, scale = 1.0,
           shear_x = 0.0, shear_y = 0.0;
  };
  static Tensor affine_matrices(const std::vector<AffineParams>& params, int64_t height, int64_t width,
                                const Tensor& like);

 private:
  std::string data_format_;
  random::SeedGenerator seeds_;
};

/// The keyword arguments of the colour layers whose Keras signature is (factor,
/// value_range=(0, 255), data_format=None, seed=None): RandomPosterization,
/// RandomSaturation, RandomHue, RandomColorDegeneration, RandomSharpness.
struct ColorAugmentationOptions {
  FloatOrList value_range{0.0, 255.0};
  std::string data_format = "channels_last";
  std::optional<uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = ColorAugmentationOptions;
    return std::tuple{field("data_format", &O::data_format), field("value_range", &O::value_range),
                      field("seed", &O::seed)};
  }
};

/// What those colour layers share: the factor as Keras's (low, high) pair within the
/// layer's bounds, the value range (sorted when the layer sorts it, as Keras does), and
/// the config data_format, factor, value_range, seed.
class ColorFactorLayer : public BaseImagePreprocessingLayer {
 public:
  Config get_config() const override;
  std::array<double, 2> factor() const { return factor_; }
  const ColorAugmentationOptions& options() const { return options_; }

 protected:
  ColorFactorLayer(std::string class_name, const FloatOrList& factor, ColorAugmentationOptions options,
                   std::array<double, 2> factor_bounds, bool sort_value_range);
  std::array<double, 2> factor_;
  ColorAugmentationOptions options_;
  std::array<double, 2> value_range_;
};

/// Keras's fill modes and interpolations of the geometric layers.
inline const std::vector<std::string> kAugmentFillModes{"reflect", "wrap", "constant", "nearest"};
inline const std::vector<std::string> kAugmentInterpolations{"nearest", "bilinear"};

}  // namespace keras::layers
