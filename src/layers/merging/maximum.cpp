#include "keras/layers/merging/maximum.h"

#include "keras/ops/math.h"

namespace keras::layers {

Maximum::Maximum(MergeOptions options) : Concrete("Maximum", options) {}

Tensor Maximum::merge(const TensorList& xs) {
  Tensor y = xs[0];
  for (size_t i = 1; i < xs.size(); ++i) y = ops::maximum(y, xs[i]);
  return y;
}

}  // namespace keras::layers
