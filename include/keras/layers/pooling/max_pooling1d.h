// keras.layers.MaxPooling1D: the maximum over pool_size windows.
//
// Args: pool_size (2); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::MaxPooling1D();  layers::MaxPooling1D(3, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

using MaxPooling1DOptions = PoolingOptions<1>;

class MaxPooling1D : public PoolingLayer<MaxPooling1D, 1, true> {
 public:
  static constexpr const char* kClassName = "MaxPooling1D";
  using PoolingLayer::PoolingLayer;
};

/// Keras's other name for the class (keras.layers.MaxPool1D).
using MaxPool1D = MaxPooling1D;

}  // namespace keras::layers
