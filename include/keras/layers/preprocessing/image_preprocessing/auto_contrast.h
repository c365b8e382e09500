// keras.layers.AutoContrast
// (keras/src/layers/preprocessing/image_preprocessing/auto_contrast.py): stretches each
// image's channels so that their lowest value becomes value_range's low end and their
// highest its high end; a constant channel stays as it is. Not random, so Keras applies
// it in training and at inference alike.
//
// Args: value_range ((0, 255), stored sorted); data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels). Output: the same.
//
//   layers::AutoContrast({.value_range = {0.0, 1.0}});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

struct AutoContrastOptions {
  FloatOrList value_range{0.0, 255.0};
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = AutoContrastOptions;
    return std::tuple{field("data_format", &O::data_format), field("value_range", &O::value_range)};
  }
};

class AutoContrast : public Concrete<AutoContrast, BaseImagePreprocessingLayer> {
 public:
  using Options = AutoContrastOptions;
  explicit AutoContrast(AutoContrastOptions options = {});
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const AutoContrastOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override;
  bool transforms_at_inference() const override { return true; }

 private:
  AutoContrastOptions options_;
  std::array<double, 2> value_range_;
};

}  // namespace keras::layers
