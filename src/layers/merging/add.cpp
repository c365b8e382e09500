#include "keras/layers/merging/add.h"

#include "keras/ops/math.h"

namespace keras::layers {

Add::Add(MergeOptions options) : Concrete("Add", options) {}

Tensor Add::merge(const TensorList& xs) {
  Tensor y = xs[0];
  for (size_t i = 1; i < xs.size(); ++i) y = ops::add(y, xs[i]);
  return y;
}

}  // namespace keras::layers
