// keras.layers.GlobalMaxPooling1D: the maximum over all 1-D positions, per channel.
//   layers::GlobalMaxPooling1D();  layers::GlobalMaxPooling1D({.keepdims = true});
#pragma once

#include "keras/layers/pooling/base_global_pooling.h"

namespace keras::layers {

class GlobalMaxPooling1D : public GlobalPoolingLayer<GlobalMaxPooling1D, 1, true> {
 public:
  static constexpr const char* kClassName = "GlobalMaxPooling1D";
  using GlobalPoolingLayer::GlobalPoolingLayer;
};

/// Keras's other name for the class (keras.layers.GlobalMaxPool1D).
using GlobalMaxPool1D = GlobalMaxPooling1D;

}  // namespace keras::layers
