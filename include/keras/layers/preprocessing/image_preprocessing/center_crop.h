// keras.layers.CenterCrop (keras/src/layers/preprocessing/image_preprocessing/center_crop.py):
// the centred (height, width) window of each image. When the image is smaller than the
// target along either axis, Keras instead crops the largest centred window with the
// target's aspect ratio and resizes it bilinearly to (height, width) (smart_resize).
//
// Args: height, width (positive); data_format ("channels_last" | "channels_first").
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w).
// Output shape: the same with (height, width) for (h, w).
//
//   layers::CenterCrop(224, 224);
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

/// CenterCrop's keyword arguments after height and width.
struct CenterCropOptions {
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() { return std::tuple{field("data_format", &CenterCropOptions::data_format)}; }
};

class CenterCrop : public Concrete<CenterCrop> {
 public:
  using Options = CenterCropOptions;
  CenterCrop(int64_t height, int64_t width, CenterCropOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  /// data_format, height, width (Keras's order).
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  int64_t height() const { return height_; }
  int64_t width() const { return width_; }

 private:
  int64_t height_, width_;
  CenterCropOptions options_;
};

}  // namespace keras::layers
