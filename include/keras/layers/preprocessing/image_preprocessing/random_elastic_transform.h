// keras.layers.RandomElasticTransform
// (keras/src/layers/preprocessing/image_preprocessing/random_elastic_transform.py): in
// training, each image is warped with a probability drawn from [factor_low,
// factor_high] by a smooth random displacement field (keras.ops.image.elastic_transform):
// with d drawn once per call from `scale`, sigma = 0.05 d min(h, w) and alpha =
// 0.1 d max(h, w), each pixel reads the input at (x + alpha dx, y + alpha dy), where dx
// and dy are normal noise times sigma blurred by a Gaussian of sigma (kernel
// int(6 sigma) | 1, zeros beyond the edges). Every image is then clipped to value_range.
// The identity at inference (and when factor or scale is 0).
//
// Args: factor (probability: f in [0, 1] gives [0, f], or a (low, high) pair); scale
//     (the range of d, within [0, 1]); interpolation ("bilinear" | "nearest");
//   fill_mode ("reflect" | "wrap" | "constant" | "nearest" | "mirror"); fill_value;
//   value_range (low, high); seed; data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::RandomElasticTransform(0.5, {.scale = 0.5, .seed = 7});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// RandomElasticTransform's keyword arguments after factor.
struct RandomElasticTransformOptions {
  FloatOrList scale = 1.0;
  std::string interpolation = "bilinear";
  std::string fill_mode = "reflect";
  double fill_value = 0.0;
  FloatOrList value_range{0.0, 255.0};
  std::optional<uint64_t> seed{};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RandomElasticTransformOptions;
    return std::tuple{field("data_format", &O::data_format),
                      field("scale", &O::scale),
                      field("interpolation", &O::interpolation),
                      field("fill_mode", &O::fill_mode),
                      field("fill_value", &O::fill_value),
                      field("value_range", &O::value_range),
                      field("seed", &O::seed)};
  }
};

class RandomElasticTransform : public Concrete<RandomElasticTransform, BaseImagePreprocessingLayer> {
 public:
  using Options = RandomElasticTransformOptions;
  explicit RandomElasticTransform(const FloatOrList& factor = 1.0, RandomElasticTransformOptions options = {});
  /// Keras's order: data_format, factor, scale (pairs), interpolation, fill_mode,
  /// fill_value, value_range, seed.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::array<double, 2> factor() const { return factor_; }
  const RandomElasticTransformOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;

 private:
  std::array<double, 2> factor_;
  RandomElasticTransformOptions options_;
  std::array<double, 2> value_range_;
};

}  // namespace keras::layers
