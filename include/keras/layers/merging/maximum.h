// keras.layers.Maximum: the elementwise maximum of its inputs.
//   auto y = layers::Maximum()({a, b});
#pragma once

#include "keras/layers/merging/base_merge.h"

namespace keras::layers {

class Maximum : public Concrete<Maximum, BaseMerge> {
 public:
  explicit Maximum(MergeOptions options = {});

 protected:
  Tensor merge(const TensorList& xs) override;
};

}  // namespace keras::layers
