// keras.layers.ZeroPadding1D: zeros added at the start and end of the time axis.
//
// Args: padding (1): an int for both ends, or {before, after}; data_format.
// Input: (batch, steps, features). Output: (batch, before + steps + after, features).
//
//   layers::ZeroPadding1D(2);  layers::ZeroPadding1D({1, 3});
#pragma once

#include "keras/layers/reshaping/base_spatial_edges.h"

namespace keras::layers {

using ZeroPadding1DOptions = SpatialEdgesOptions;

class ZeroPadding1D : public SpatialEdgesLayer<ZeroPadding1D, 1, true> {
 public:
  static constexpr const char* kClassName = "ZeroPadding1D";
  static SidesN<1> default_sides() { return 1; }
  using SpatialEdgesLayer::SpatialEdgesLayer;
};

}  // namespace keras::layers
