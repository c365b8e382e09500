// keras.layers.RandomGaussianBlur (keras/src/layers/preprocessing/image_preprocessing/random_gaussian_blur.py):
// in training, each image is blurred with a probability drawn from [factor_low,
// factor_high], by a Gaussian kernel of kernel_size whose (x, y) standard deviations
// are drawn once per call from `sigma` (ops over zero-padded, "same"-sized images, as
// keras.ops.image.gaussian_blur); every image is then clipped to value_range. The
// identity at inference.
//
// Args: factor (probability of blurring: f in [0, 1] gives [0, f], or a (low, high)
//     pair); kernel_size (odd; one number or (width, height)); sigma (the range of the
//     standard deviations: s in [0, 1] gives [0, s], or a (low, high) pair);
//   value_range (low, high); data_format; seed.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::RandomGaussianBlur(1.0, {.kernel_size = 5, .sigma = {0.5, 1.0}, .seed = 7});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomGaussianBlur's keyword arguments after factor.
struct RandomGaussianBlurOptions {
  Size2 kernel_size = 3;
  FloatOrList sigma = 1.0;
  FloatOrList value_range{0.0, 255.0};
  std::string data_format = "channels_last";
  std::optional<uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RandomGaussianBlurOptions;
    return std::tuple{field("data_format", &O::data_format), field("kernel_size", &O::kernel_size),
                      field("sigma", &O::sigma), field("value_range", &O::value_range), field("seed", &O::seed)};
  }
};

class RandomGaussianBlur : public Concrete<RandomGaussianBlur, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomGaussianBlurOptions;
  explicit RandomGaussianBlur(const FloatOrList& factor = 1.0, RandomGaussianBlurOptions options = {});
  /// Keras's order: data_format, factor, kernel_size, sigma (pairs), value_range, seed.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::array<double, 2> factor() const { return factor_; }
  const RandomGaussianBlurOptions& options() const { return options_; }

  /// keras.ops.image.gaussian_blur of a channels-last batch: the normalised kernels
  /// exp(-x^2 / (2 sigma^2)) of kernel_size (width, height) and sigma (x, y), applied
  /// along the width and then the height, with zeros beyond the edges.
  static Tensor gaussian_blur(const Tensor& images, std::array<int64_t, 2> kernel_size, std::array<double, 2> sigma);

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  std::array<double, 2> factor_;
  RandomGaussianBlurOptions options_;
  std::array<double, 2> value_range_;
};

}  // namespace keras::layers
