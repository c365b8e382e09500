// keras.layers.ZeroPadding3D: zeros around a volume.
//
// Args: padding (1): an int for every side; {d1, d2, d3} for both sides of each; or
// {{d1_before, d1_after}, {..}, {..}}; data_format.
// Input: (batch, d1, d2, d3, channels). Output: the padded volume.
//
//   layers::ZeroPadding3D(1);
#pragma once

#include "keras/layers/reshaping/base_spatial_edges.h"

namespace keras::layers {

using ZeroPadding3DOptions = SpatialEdgesOptions;

class ZeroPadding3D : public SpatialEdgesLayer<ZeroPadding3D, 3, true> {
 public:
  static constexpr const char* kClassName = "ZeroPadding3D";
  static SidesN<3> default_sides() { return 1; }
  using SpatialEdgesLayer::SpatialEdgesLayer;
};

}  // namespace keras::layers
