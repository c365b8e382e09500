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

class MaxPooling2D : public PoolingLayer<MaxPooling2D, 2, true> {
 public:
  static constexpr const char* kClassName = "MaxPooling2D";
  using PoolingLayer::PoolingLayer;
};

/// Keras's other name for the class (keras.layers.MaxPool2D).
using MaxPool2D = MaxPooling2D;

}  // namespace keras::layers
