// keras.layers.Cropping3D: cuts slices off the edges of a volume.
//
// Args: cropping (1): an int for every side; {d1, d2, d3} for both sides of each; or
// {{d1_start, d1_end}, {..}, {..}}; data_format.
// Input: (batch, d1, d2, d3, channels). Output: the cropped volume.
//
//   layers::Cropping3D({{1, 1}, {2, 2}, {0, 0}});
#pragma once

#include "keras/layers/reshaping/base_spatial_edges.h"

namespace keras::layers {

using Cropping3DOptions = SpatialEdgesOptions;

class Cropping3D : public SpatialEdgesLayer<Cropping3D, 3, false> {
 public:
  static constexpr const char* kClassName = "Cropping3D";
  static SidesN<3> default_sides() { return 1; }
  using SpatialEdgesLayer::SpatialEdgesLayer;
};

}  // namespace keras::layers
