// keras.layers.Average: the elementwise mean of its inputs.
//   auto y = layers::Average()({a, b});
#pragma once

#include "keras/layers/merging/base_merge.h"

namespace keras::layers {

class Average : public Concrete<Average, BaseMerge> {
 public:
  explicit Average(MergeOptions options = {});

 protected:
  Tensor merge(const TensorList& xs) override;
};

}  // namespace keras::layers
