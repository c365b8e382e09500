// keras.layers.Resizing (keras/src/layers/preprocessing/image_preprocessing/resizing.py):
// resizes images to (height, width) with keras.ops.image.resize (keras/ops/image.h: the
// arithmetic of Keras's numpy and JAX backends). Differentiable, so it can sit inside a
// trained model.
//
// Args: height, width (positive): the output size.
//   interpolation ("bilinear" | "nearest" | "bicubic" | "lanczos3" | "lanczos5" | "area";
//     "area" is TensorFlow's resize_area, which Keras offers on that backend only).
//   crop_to_aspect_ratio (false): first crop the largest centred window with the
//     target's aspect ratio, so nothing is distorted.
//   pad_to_aspect_ratio (false): first pad the short side evenly with fill_value to the
//     target's aspect ratio (at most one of the two).
//   fill_mode ("constant", the only one Keras has); fill_value (0.0).
//   antialias (false): widen the filter by the scale when downsampling.
//   data_format ("channels_last" | "channels_first").
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w).
// Output shape: the same with (height, width) for (h, w).
//
//   layers::Resizing(224, 224);  layers::Resizing(64, 64, {.interpolation = "bicubic", .crop_to_aspect_ratio = true});
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

/// Resizing's keyword arguments after height and width.
struct ResizingOptions {
  std::string interpolation = "bilinear";
  bool crop_to_aspect_ratio = false;
  bool pad_to_aspect_ratio = false;
  std::string fill_mode = "constant";
  double fill_value = 0.0;
  bool antialias = false;
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = ResizingOptions;
    return std::tuple{field("data_format", &O::data_format),
                      field("interpolation", &O::interpolation),
                      field("crop_to_aspect_ratio", &O::crop_to_aspect_ratio),
                      field("pad_to_aspect_ratio", &O::pad_to_aspect_ratio),
                      field("fill_mode", &O::fill_mode),
                      field("fill_value", &O::fill_value),
                      field("antialias", &O::antialias)};
  }
};

class Resizing : public Concrete<Resizing> {
 public:
  using Options = ResizingOptions;
  Resizing(int64_t height, int64_t width, ResizingOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  /// Keras's order: data_format, height, width, interpolation, crop_to_aspect_ratio,
  /// pad_to_aspect_ratio, fill_mode, fill_value, antialias.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  int64_t height() const { return height_; }
  int64_t width() const { return width_; }
  const ResizingOptions& options() const { return options_; }

 private:
  int64_t height_, width_;
  ResizingOptions options_;
};

}  // namespace keras::layers
