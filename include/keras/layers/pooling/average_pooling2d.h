// keras.layers.AveragePooling2D: the mean over pool_size windows; with "same" padding the edge
// windows average only the real cells, as Keras does.
//
// Args: pool_size (2, 2); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::AveragePooling2D();  layers::AveragePooling2D(3, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

struct AveragePooling2DOptions {
  Size2 strides = 0;  // 0: the same as pool_size (Keras's None)
  std::string padding = "valid";
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class AveragePooling2D : public Concrete<AveragePooling2D, BasePooling> {
 public:
  explicit AveragePooling2D(Size2 pool_size = 2, AveragePooling2DOptions options = {});
  explicit AveragePooling2D(AveragePooling2DOptions options) : AveragePooling2D(2, std::move(options)) {}
};

}  // namespace keras::layers
