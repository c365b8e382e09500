// keras.layers.AveragePooling3D: the mean over pool_size windows; with "same" padding the edge
// windows average only the real cells, as Keras does.
//
// Args: pool_size (2, 2, 2); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::AveragePooling3D();  layers::AveragePooling3D(3, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

using AveragePooling3DOptions = PoolingOptions<3>;

class AveragePooling3D : public PoolingLayer<AveragePooling3D, 3, false> {
 public:
  static constexpr const char* kClassName = "AveragePooling3D";
  using PoolingLayer::PoolingLayer;
};

/// Keras's other name for the class (keras.layers.AvgPool3D).
using AvgPool3D = AveragePooling3D;

}  // namespace keras::layers
