// keras.layers.MaxPooling3D: the maximum over pool_size windows.
//
// Args: pool_size (2, 2, 2); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::MaxPooling3D();  layers::MaxPooling3D(3, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

using MaxPooling3DOptions = PoolingOptions<3>;

class MaxPooling3D : public Concrete<MaxPooling3D, BasePooling> {
 public:
  explicit MaxPooling3D(Size3 pool_size = 2, MaxPooling3DOptions options = {})
      : Concrete("MaxPooling3D", pooling_config(true, pool_size, options), layer_args_of(options)) {}
  explicit MaxPooling3D(MaxPooling3DOptions options) : MaxPooling3D(2, std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const Config& c) { return pooling_from_config<MaxPooling3D, 3>(c); }
};

}  // namespace keras::layers
