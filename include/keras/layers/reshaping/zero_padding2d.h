// keras.layers.ZeroPadding2D: rows and columns of zeros around an image.
//
// Args: padding (1): an int for every side; {rows, cols} for both sides of each; or
// {{top, bottom}, {left, right}}; data_format ("channels_last" or "channels_first").
// Input: (batch, rows, cols, channels). Output: (batch, padded rows, padded cols, channels).
//
//   layers::ZeroPadding2D({{3, 3}, {3, 3}});  // ResNet's stem
#pragma once

#include "keras/layers/reshaping/base_spatial_edges.h"

namespace keras::layers {

using ZeroPadding2DOptions = SpatialEdgesOptions;

class ZeroPadding2D : public SpatialEdgesLayer<ZeroPadding2D, 2, true> {
 public:
  static constexpr const char* kClassName = "ZeroPadding2D";
  static SidesN<2> default_sides() { return 1; }
  using SpatialEdgesLayer::SpatialEdgesLayer;
};

}  // namespace keras::layers
