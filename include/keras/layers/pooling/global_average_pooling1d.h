// keras.layers.GlobalAveragePooling1D: the mean over all 1-D positions, per channel.
//   layers::GlobalAveragePooling1D();  layers::GlobalAveragePooling1D({.keepdims = true});
#pragma once

#include "keras/layers/pooling/base_global_pooling.h"

namespace keras::layers {

class GlobalAveragePooling1D : public GlobalPoolingLayer<GlobalAveragePooling1D, 1, false> {
 public:
  static constexpr const char* kClassName = "GlobalAveragePooling1D";
  using GlobalPoolingLayer::GlobalPoolingLayer;
};

/// Keras's other name for the class (keras.layers.GlobalAvgPool1D).
using GlobalAvgPool1D = GlobalAveragePooling1D;

}  // namespace keras::layers
