// keras.layers.Minimum: the elementwise minimum of its inputs.
//   auto y = layers::Minimum()({a, b});
#pragma once

#include "keras/layers/merging/base_merge.h"

namespace keras::layers {

class Minimum : public Concrete<Minimum, BaseMerge> {
 public:
  explicit Minimum(MergeOptions options = {});

 protected:
  Tensor merge(const TensorList& xs) override;
};

}  // namespace keras::layers
