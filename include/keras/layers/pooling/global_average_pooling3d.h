// keras.layers.GlobalAveragePooling3D: the mean over all 3-D positions, per channel.
//   layers::GlobalAveragePooling3D();  layers::GlobalAveragePooling3D({.keepdims = true});
#pragma once

#include "keras/layers/pooling/base_global_pooling.h"

namespace keras::layers {

class GlobalAveragePooling3D : public Concrete<GlobalAveragePooling3D, BaseGlobalPooling> {
 public:
  explicit GlobalAveragePooling3D(GlobalPoolingOptions options = {}) : Concrete("GlobalAveragePooling3D", 3, false, options) {}
};

}  // namespace keras::layers
