// keras.layers.AveragePooling3D: the mean over pool_size windows; with "same" padding the edge
// windows average only the real cells, as Keras does.
//
// Args: pool_size (2, 2, 2); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::AveragePooling3D();  layers::AveragePooling3D(3, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

using AveragePooling3DOptions = PoolingOptions<3>;

class AveragePooling3D : public Concrete<AveragePooling3D, BasePooling> {
 public:
  explicit AveragePooling3D(Size3 pool_size = 2, AveragePooling3DOptions options = {})
      : Concrete("AveragePooling3D", pooling_config(false, pool_size, options), layer_args_of(options)) {}
  explicit AveragePooling3D(AveragePooling3DOptions options) : AveragePooling3D(2, std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const Config& c) { return pooling_from_config<AveragePooling3D, 3>(c); }
};

}  // namespace keras::layers
