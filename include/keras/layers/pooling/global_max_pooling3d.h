// keras.layers.GlobalMaxPooling3D: the maximum over all 3-D positions, per channel.
//   layers::GlobalMaxPooling3D();  layers::GlobalMaxPooling3D({.keepdims = true});
#pragma once

#include "keras/layers/pooling/base_global_pooling.h"

namespace keras::layers {

class GlobalMaxPooling3D : public GlobalPoolingLayer<GlobalMaxPooling3D, 3, true> {
 public:
  static constexpr const char* kClassName = "GlobalMaxPooling3D";
  using GlobalPoolingLayer::GlobalPoolingLayer;
};

/// Keras's other name for the class (keras.layers.GlobalMaxPool3D).
using GlobalMaxPool3D = GlobalMaxPooling3D;

}  // namespace keras::layers
