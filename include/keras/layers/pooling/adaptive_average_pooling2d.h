// keras.layers.AdaptiveAveragePooling2D (keras/src/layers/pooling/adaptive_average_pooling2d.py):
// the mean over adaptive windows, so the 2-D output has the size asked for whatever the
// input's size (windows as in base_adaptive_pooling.h).
//
// Args: output_size (an int, or 2 ints); data_format ("channels_last" | "channels_first").
//
//   layers::AdaptiveAveragePooling2D({7, 5});  // (batch, 32, 24, 3) -> (batch, 7, 5, 3)
#pragma once

#include "keras/layers/pooling/base_adaptive_pooling.h"

namespace keras::layers {

using AdaptiveAveragePooling2DOptions = AdaptivePoolingOptions;

class AdaptiveAveragePooling2D : public AdaptivePoolingLayer<AdaptiveAveragePooling2D, 2, false> {
 public:
  static constexpr const char* kClassName = "AdaptiveAveragePooling2D";
  using AdaptivePoolingLayer::AdaptivePoolingLayer;
};

}  // namespace keras::layers
