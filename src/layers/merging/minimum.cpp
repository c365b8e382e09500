#include "keras/layers/merging/minimum.h"

#include "keras/ops/math.h"

namespace keras::layers {

Minimum::Minimum(MergeOptions options) : Concrete("Minimum", options) {}

Tensor Minimum::merge(const TensorList& xs) {
  Tensor y = xs[0];
  for (size_t i = 1; i < xs.size(); ++i) y = ops::minimum(y, xs[i]);
  return y;
}

}  // namespace keras::layers
