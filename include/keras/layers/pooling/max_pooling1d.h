// keras.layers.MaxPooling1D: the maximum over pool_size windows.
//
// Args: pool_size (2); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::MaxPooling1D();  layers::MaxPooling1D(3, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

struct MaxPooling1DOptions {
  Size1 strides = 0;  // 0: the same as pool_size (Keras's None)
  std::string padding = "valid";
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class MaxPooling1D : public Concrete<MaxPooling1D, BasePooling> {
 public:
  explicit MaxPooling1D(Size1 pool_size = 2, MaxPooling1DOptions options = {});
  explicit MaxPooling1D(MaxPooling1DOptions options) : MaxPooling1D(2, std::move(options)) {}
};

}  // namespace keras::layers
