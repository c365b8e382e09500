// keras.layers.GlobalAveragePooling2D: the mean over all 2-D positions, per channel.
//   layers::GlobalAveragePooling2D();  layers::GlobalAveragePooling2D({.keepdims = true});
#pragma once

#include "keras/layers/pooling/base_global_pooling.h"

namespace keras::layers {

class GlobalAveragePooling2D : public GlobalPoolingLayer<GlobalAveragePooling2D, 2, false> {
 public:
  static constexpr const char* kClassName = "GlobalAveragePooling2D";
  using GlobalPoolingLayer::GlobalPoolingLayer;
};

/// Keras's other name for the class (keras.layers.GlobalAvgPool2D).
using GlobalAvgPool2D = GlobalAveragePooling2D;

}  // namespace keras::layers
