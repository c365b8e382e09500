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

class MaxPooling3D : public PoolingLayer<MaxPooling3D, 3, true> {
 public:
  static constexpr const char* kClassName = "MaxPooling3D";
  using PoolingLayer::PoolingLayer;
};

/// Keras's other name for the class (keras.layers.MaxPool3D).
using MaxPool3D = MaxPooling3D;

}  // namespace keras::layers
