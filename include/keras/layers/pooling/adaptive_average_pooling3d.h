// keras.layers.AdaptiveAveragePooling3D (keras/src/layers/pooling/adaptive_average_pooling3d.py):
// the mean over adaptive windows, so the 3-D output has the size asked for whatever the
// input's size (windows as in base_adaptive_pooling.h).
//
// Args: output_size (an int, or 3 ints); data_format ("channels_last" | "channels_first").
//
//   layers::AdaptiveAveragePooling3D(2, {.data_format = "channels_first"});
#pragma once

#include "keras/layers/pooling/base_adaptive_pooling.h"

namespace keras::layers {

using AdaptiveAveragePooling3DOptions = AdaptivePoolingOptions;

class AdaptiveAveragePooling3D : public AdaptivePoolingLayer<AdaptiveAveragePooling3D, 3, false> {
 public:
  static constexpr const char* kClassName = "AdaptiveAveragePooling3D";
  using AdaptivePoolingLayer::AdaptivePoolingLayer;
};

}  // namespace keras::layers
