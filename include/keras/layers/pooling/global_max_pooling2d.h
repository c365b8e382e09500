// keras.layers.GlobalMaxPooling2D: the maximum over all 2-D positions, per channel.
//   layers::GlobalMaxPooling2D();  layers::GlobalMaxPooling2D({.keepdims = true});
#pragma once

#include "keras/layers/pooling/base_global_pooling.h"

namespace keras::layers {

class GlobalMaxPooling2D : public GlobalPoolingLayer<GlobalMaxPooling2D, 2, true> {
 public:
  static constexpr const char* kClassName = "GlobalMaxPooling2D";
  using GlobalPoolingLayer::GlobalPoolingLayer;
};

/// Keras's other name for the class (keras.layers.GlobalMaxPool2D).
using GlobalMaxPool2D = GlobalMaxPooling2D;

}  // namespace keras::layers
