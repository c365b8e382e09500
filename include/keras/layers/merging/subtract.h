// keras.layers.Subtract: the first input minus the second (exactly two inputs).
//   auto y = layers::Subtract()({a, b});
#pragma once

#include "keras/layers/merging/base_merge.h"

namespace keras::layers {

class Subtract : public Concrete<Subtract, BaseMerge> {
 public:
  explicit Subtract(MergeOptions options = {});

 protected:
  Tensor merge(const TensorList& xs) override;
  std::optional<size_t> exact_inputs() const override { return 2; }
};

}  // namespace keras::layers
