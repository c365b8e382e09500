// keras.layers.UpSampling2D (keras/src/layers/reshaping/up_sampling2d.py): enlarges
// images by integer factors. "nearest" repeats rows and columns; the other
// interpolations resize with keras.ops.image.resize (keras/ops/image.h: half-pixel
// centres, edge weights renormalised), as Keras's numpy and JAX backends compute it.
//
// Args: size (2, 2): the factors for rows and columns, an int or {rows, cols};
//   data_format ("channels_last" only); interpolation ("nearest" | "bilinear" |
//   "bicubic" | "lanczos3" | "lanczos5" | "area"; case-insensitive, kept in lower case).
// Input shape: (batch, rows, cols, channels).
// Output shape: (batch, rows * size[0], cols * size[1], channels).
//
//   layers::UpSampling2D();  layers::UpSampling2D({2, 3}, {.interpolation = "bilinear"});
#pragma once

#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

/// UpSampling2D's keyword arguments after `size`.
struct UpSampling2DOptions {
  std::string data_format = "channels_last";
  std::string interpolation = "nearest";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = UpSampling2DOptions;
    return std::tuple{field("data_format", &O::data_format), field("interpolation", &O::interpolation)};
  }
};

class UpSampling2D : public Concrete<UpSampling2D> {
 public:
  using Options = UpSampling2DOptions;
  explicit UpSampling2D(Size2 size = 2, UpSampling2DOptions options = {});
  explicit UpSampling2D(UpSampling2DOptions options) : UpSampling2D(2, std::move(options)) {}
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const Size2& size() const { return size_; }
  const UpSampling2DOptions& options() const { return options_; }

 private:
  Size2 size_;
  UpSampling2DOptions options_;
};

}  // namespace keras::layers
