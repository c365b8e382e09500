// keras.layers.Equalization (keras/src/layers/preprocessing/image_preprocessing/equalization.py):
// histogram equalization of each channel, with Keras's arithmetic. Values are mapped
// from value_range onto [0, 255]; a histogram of `bins` bins is counted over the channel
// of the whole batch (Keras flattens images[..., c]); its cumulative counts give the
// lookup table round((cdf - cdf_min) * 255 / (cdf[-1] - cdf_min)), clipped to [0, 255];
// each value v reads the table at int(clip(v / 255 * (bins - 1), 0, bins - 1)); the
// result is mapped back onto value_range. A channel whose values all fall in one bin is
// kept. Not random (no seed).
//
// Training versus inference as in Keras's code: its transform_images returns the images
// unchanged when training is false (so model.predict passes them through), and
// equalizes in training (fit, or a call with training=true).
//
// Args: value_range ((low, high) of the inputs, default (0, 255)); bins (the number of
//   histogram bins, default 256); data_format.
// Input shape: (batch, h, w, channels) or unbatched (h, w, channels); channels first:
//   (batch, channels, h, w) or (channels, h, w). Output shape: the same.
//
//   layers::Equalization({.value_range = FloatOrList{0.0, 1.0}, .bins = 128});
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// Equalization's keyword arguments (Keras's order and defaults).
struct EqualizationOptions {
  FloatOrList value_range{0.0, 255.0};
  int64_t bins = 256;
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = EqualizationOptions;
    return std::tuple{field("data_format", &O::data_format), field("bins", &O::bins),
                      field("value_range", &O::value_range)};
  }
};

class Equalization : public Concrete<Equalization, BaseImagePreprocessingLayer> {
 public:
  using Options = EqualizationOptions;
  /// value_range is stored sorted, as Keras stores it.
  explicit Equalization(EqualizationOptions options = {});
  /// Keras's order: data_format, bins, value_range.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const EqualizationOptions& options() const { return options_; }

 protected:
  /// The lookup tables are built from the values themselves (no gradient flows through
  /// the table, as in Keras, where the output is a gather of constants).
  Tensor transform_images(const Tensor& images) override;

 private:
  EqualizationOptions options_;
  std::array<double, 2> value_range_;
};

}  // namespace keras::layers
