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

using AveragePooling2DOptions = PoolingOptions<2>;

class AveragePooling2D : public Concrete<AveragePooling2D, BasePooling> {
 public:
  explicit AveragePooling2D(Size2 pool_size = 2, AveragePooling2DOptions options = {})
      : Concrete("AveragePooling2D", pooling_config(false, pool_size, options), layer_args_of(options)) {}
  explicit AveragePooling2D(AveragePooling2DOptions options) : AveragePooling2D(2, std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const Config& c) { return pooling_from_config<AveragePooling2D, 2>(c); }
};

}  // namespace keras::layers
