// keras.layers.MaxPooling2D: the maximum over pool_size windows.
//
// Args: pool_size ({2, 2}); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::MaxPooling2D();  layers::MaxPooling2D({3, 3}, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

struct MaxPooling2DOptions {
  Size2 strides = 0;  // 0: the same as pool_size (Keras's None)
  std::string padding = "valid";
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class MaxPooling2D : public Concrete<MaxPooling2D, BasePooling> {
 public:
  explicit MaxPooling2D(Size2 pool_size = 2, MaxPooling2DOptions options = {});
  explicit MaxPooling2D(MaxPooling2DOptions options) : MaxPooling2D(2, std::move(options)) {}
};

}  // namespace keras::layers
