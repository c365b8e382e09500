// keras.layers.Cropping2D: cuts rows and columns off the edges of an image.
//
// Args: cropping (0): an int for every side; {rows, cols} for both sides of each; or
// {{top, bottom}, {left, right}}; data_format.
// Input: (batch, rows, cols, channels). Output: the cropped image.
//
//   layers::Cropping2D({{1, 2}, {0, 1}});
#pragma once

#include "keras/layers/reshaping/base_spatial_edges.h"

namespace keras::layers {

using Cropping2DOptions = SpatialEdgesOptions;

class Cropping2D : public SpatialEdgesLayer<Cropping2D, 2, false> {
 public:
  static constexpr const char* kClassName = "Cropping2D";
  static SidesN<2> default_sides() { return 0; }
  using SpatialEdgesLayer::SpatialEdgesLayer;
};

}  // namespace keras::layers
