#include "keras/layers/merging/subtract.h"

#include "keras/ops/math.h"

namespace keras::layers {

Subtract::Subtract(MergeOptions options) : Concrete("Subtract", options) {}

Tensor Subtract::merge(const TensorList& xs) {
  return ops::subtract(xs[0], xs[1]);
}

}  // namespace keras::layers
