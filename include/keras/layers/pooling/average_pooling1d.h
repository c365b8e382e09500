// keras.layers.AveragePooling1D: the mean over pool_size windows; with "same" padding the edge
// windows average only the real cells, as Keras does.
//
// Args: pool_size (2); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::AveragePooling1D();  layers::AveragePooling1D(3, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

struct AveragePooling1DOptions {
  Size1 strides = 0;  // 0: the same as pool_size (Keras's None)
  std::string padding = "valid";
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class AveragePooling1D : public Concrete<AveragePooling1D, BasePooling> {
 public:
  explicit AveragePooling1D(Size1 pool_size = 2, AveragePooling1DOptions options = {});
  explicit AveragePooling1D(AveragePooling1DOptions options) : AveragePooling1D(2, std::move(options)) {}
};

}  // namespace keras::layers
