// A symbolic tensor (keras.KerasTensor): a shape and dtype with no data, plus the layer
// that produced it. keras::Input() returns one; the Functional API builds graphs of them.
#pragma once

#include <memory>

#include "keras/tensor/shape.h"
#include "keras/tensor/dtype.h"

namespace keras::layers {

class Layer;

struct KerasTensor {
  Shape shape;  // batch dimension first (kNone when unknown)
  DType dtype = DType::float32;
  std::shared_ptr<Layer> layer;  // keras_history: the producing layer ...
  int node_index = 0;            // ... its call ...
  int tensor_index = 0;          // ... and which of that call's outputs
};

}  // namespace keras::layers
