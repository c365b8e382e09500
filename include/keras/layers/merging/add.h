// keras.layers.Add: the elementwise sum of its inputs.
//   auto y = layers::Add()({a, b});
#pragma once

#include "keras/layers/merging/base_merge.h"

namespace keras::layers {

class Add : public Concrete<Add, BaseMerge> {
 public:
  explicit Add(MergeOptions options = {});

 protected:
  Tensor merge(const TensorList& xs) override;
};

}  // namespace keras::layers
