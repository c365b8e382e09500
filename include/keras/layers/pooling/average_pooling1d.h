// keras.layers.AveragePooling1D: the mean over pool_size windows; with "same" padding the edge
// windows average only the real cells, as Keras does.
//
// Args: pool_size (2); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::AveragePooling1D();  layers::AveragePooling1D(3, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

using AveragePooling1DOptions = PoolingOptions<1>;

class AveragePooling1D : public PoolingLayer<AveragePooling1D, 1, false> {
 public:
  static constexpr const char* kClassName = "AveragePooling1D";
  using PoolingLayer::PoolingLayer;
};

/// Keras's other name for the class (keras.layers.AvgPool1D).
using AvgPool1D = AveragePooling1D;

}  // namespace keras::layers
