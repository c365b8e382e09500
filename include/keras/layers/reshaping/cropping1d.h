// keras.layers.Cropping1D: cuts steps off the start and end of the time axis.
//
// Args: cropping ({1, 1}): an int for both ends, or {start, end}. (No data_format, as in Keras.)
// Input: (batch, steps, features). Output: (batch, steps - start - end, features).
//
//   layers::Cropping1D({1, 2});
#pragma once

#include "keras/layers/reshaping/base_spatial_edges.h"

namespace keras::layers {

using Cropping1DOptions = LayerArgs;

class Cropping1D : public SpatialEdgesLayer<Cropping1D, 1, false> {
 public:
  static constexpr const char* kClassName = "Cropping1D";
  static SidesN<1> default_sides() { return {1, 1}; }
  using SpatialEdgesLayer::SpatialEdgesLayer;
};

}  // namespace keras::layers
