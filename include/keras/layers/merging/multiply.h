// keras.layers.Multiply: the elementwise product of its inputs.
//   auto y = layers::Multiply()({a, b});
#pragma once

#include "keras/layers/merging/base_merge.h"

namespace keras::layers {

class Multiply : public Concrete<Multiply, BaseMerge> {
 public:
  explicit Multiply(MergeOptions options = {});

 protected:
  Tensor merge(const TensorList& xs) override;
};

}  // namespace keras::layers
