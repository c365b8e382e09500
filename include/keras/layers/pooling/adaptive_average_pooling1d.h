// keras.layers.AdaptiveAveragePooling1D (keras/src/layers/pooling/adaptive_average_pooling1d.py):
// the mean over adaptive windows, so the 1-D output has the size asked for whatever the
// input's size (windows as in base_adaptive_pooling.h).
//
// Args: output_size (an int, or 1 ints); data_format ("channels_last" | "channels_first").
//
//   layers::AdaptiveAveragePooling1D(4);  // (batch, 10, 3) -> (batch, 4, 3)
#pragma once

#include "keras/layers/pooling/base_adaptive_pooling.h"

namespace keras::layers {

using AdaptiveAveragePooling1DOptions = AdaptivePoolingOptions;

class AdaptiveAveragePooling1D : public AdaptivePoolingLayer<AdaptiveAveragePooling1D, 1, false> {
 public:
  static constexpr const char* kClassName = "AdaptiveAveragePooling1D";
  using AdaptivePoolingLayer::AdaptivePoolingLayer;
};

}  // namespace keras::layers
