// keras.layers.AdaptiveMaxPooling1D (keras/src/layers/pooling/adaptive_max_pooling1d.py):
// the maximum over adaptive windows, so the 1-D output has the size asked for whatever the
// input's size (windows as in base_adaptive_pooling.h).
//
// Args: output_size (an int, or 1 ints); data_format ("channels_last" | "channels_first").
//
//   layers::AdaptiveMaxPooling1D(4);  // (batch, 10, 3) -> (batch, 4, 3)
#pragma once

#include "keras/layers/pooling/base_adaptive_pooling.h"

namespace keras::layers {

using AdaptiveMaxPooling1DOptions = AdaptivePoolingOptions;

class AdaptiveMaxPooling1D : public AdaptivePoolingLayer<AdaptiveMaxPooling1D, 1, true> {
 public:
  static constexpr const char* kClassName = "AdaptiveMaxPooling1D";
  using AdaptivePoolingLayer::AdaptivePoolingLayer;
};

}  // namespace keras::layers
