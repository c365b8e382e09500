// keras.layers.AdaptiveMaxPooling3D (keras/src/layers/pooling/adaptive_max_pooling3d.py):
// the maximum over adaptive windows, so the 3-D output has the size asked for whatever the
// input's size (windows as in base_adaptive_pooling.h).
//
// Args: output_size (an int, or 3 ints); data_format ("channels_last" | "channels_first").
//
//   layers::AdaptiveMaxPooling3D(2, {.data_format = "channels_first"});
#pragma once

#include "keras/layers/pooling/base_adaptive_pooling.h"

namespace keras::layers {

using AdaptiveMaxPooling3DOptions = AdaptivePoolingOptions;

class AdaptiveMaxPooling3D : public AdaptivePoolingLayer<AdaptiveMaxPooling3D, 3, true> {
 public:
  static constexpr const char* kClassName = "AdaptiveMaxPooling3D";
  using AdaptivePoolingLayer::AdaptivePoolingLayer;
};

}  // namespace keras::layers
