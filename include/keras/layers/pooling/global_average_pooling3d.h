// keras.layers.GlobalAveragePooling3D: the mean over all 3-D positions, per channel.
//   layers::GlobalAveragePooling3D();  layers::GlobalAveragePooling3D({.keepdims = true});
#pragma once

#include "keras/layers/pooling/base_global_pooling.h"

namespace keras::layers {

class GlobalAveragePooling3D : public GlobalPoolingLayer<GlobalAveragePooling3D, 3, false> {
 public:
  static constexpr const char* kClassName = "GlobalAveragePooling3D";
  using GlobalPoolingLayer::GlobalPoolingLayer;
};

/// Keras's other name for the class (keras.layers.GlobalAvgPool3D).
using GlobalAvgPool3D = GlobalAveragePooling3D;

}  // namespace keras::layers
