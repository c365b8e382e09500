// keras.layers.MaxNumBoundingBoxes
// (keras/src/layers/preprocessing/image_preprocessing/max_num_bounding_box.py): pads or
// cuts the bounding boxes of a batch to max_number (padding with fill_value). Images
// pass through unchanged; a layer in a model sees images only, so here it is the
// identity (Keras's compute_output_shape changes only the boxes' shapes).
//
// Args: max_number (the number of boxes to keep, >= 0); fill_value (what padded boxes
//   and labels hold; Keras leaves it out of the config).
// Input shape: any image batch. Output shape: the same.
//
//   layers::MaxNumBoundingBoxes(10);
#pragma once

#include "keras/layers/preprocessing/image_preprocessing/base_image_preprocessing_layer.h"

namespace keras::layers {

/// MaxNumBoundingBoxes's keyword arguments after max_number.
struct MaxNumBoundingBoxesOptions {
  int64_t fill_value = -1;
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = MaxNumBoundingBoxesOptions;
    return std::tuple{field("data_format", &O::data_format)};
  }
};

class MaxNumBoundingBoxes : public Concrete<MaxNumBoundingBoxes, BaseImagePreprocessingLayer> {
 public:
  using Options = MaxNumBoundingBoxesOptions;
  explicit MaxNumBoundingBoxes(int64_t max_number, MaxNumBoundingBoxesOptions options = {});
  /// Keras's order: data_format, max_number.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  int64_t max_number() const { return max_number_; }
  const MaxNumBoundingBoxesOptions& options() const { return options_; }

 protected:
  Tensor transform_images(const Tensor& images) override { return images; }

 private:
  int64_t max_number_;
  MaxNumBoundingBoxesOptions options_;
};

}  // namespace keras::layers
