// keras.layers.MaxPooling2D: the maximum over pool_size windows.
//
// Args: pool_size ({2, 2}); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::MaxPooling2D();  layers::MaxPooling2D({3, 3}, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

using MaxPooling2DOptions = PoolingOptions<2>;

class MaxPooling2D : public Concrete<MaxPooling2D, BasePooling> {
 public:
  explicit MaxPooling2D(Size2 pool_size = 2, MaxPooling2DOptions options = {})
      : Concrete("MaxPooling2D", pooling_config(true, pool_size, options), layer_args_of(options)) {}
  explicit MaxPooling2D(MaxPooling2DOptions options) : MaxPooling2D(2, std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const Config& c) { return pooling_from_config<MaxPooling2D, 2>(c); }
};

}  // namespace keras::layers
