// keras.layers.MaxPooling3D: the maximum over pool_size windows.
//
// Args: pool_size (2, 2, 2); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::MaxPooling3D();  layers::MaxPooling3D(3, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

struct MaxPooling3DOptions {
  Size3 strides = 0;  // 0: the same as pool_size (Keras's None)
  std::string padding = "valid";
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class MaxPooling3D : public Concrete<MaxPooling3D, BasePooling> {
 public:
  explicit MaxPooling3D(Size3 pool_size = 2, MaxPooling3DOptions options = {});
  explicit MaxPooling3D(MaxPooling3DOptions options) : MaxPooling3D(2, std::move(options)) {}
};

}  // namespace keras::layers
