// keras.layers.AveragePooling2D: the mean over pool_size windows; with "same" padding the edge
// windows average only the real cells, as Keras does.
//
// Args: pool_size (2, 2); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::AveragePooling2D();  layers::AveragePooling2D(3, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

using AveragePooling2DOptions = PoolingOptions<2>;

class AveragePooling2D : public PoolingLayer<AveragePooling2D, 2, false> {
 public:
  static constexpr const char* kClassName = "AveragePooling2D";
  using PoolingLayer::PoolingLayer;
};

/// Keras's other name for the class (keras.layers.AvgPool2D).
using AvgPool2D = AveragePooling2D;

}  // namespace keras::layers
