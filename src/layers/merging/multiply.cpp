#include "keras/layers/merging/multiply.h"

#include "keras/ops/math.h"

namespace keras::layers {

Multiply::Multiply(MergeOptions options) : Concrete("Multiply", options) {}

Tensor Multiply::merge(const TensorList& xs) {
  Tensor y = xs[0];
  for (size_t i = 1; i < xs.size(); ++i) y = ops::multiply(y, xs[i]);
  return y;
}

}  // namespace keras::layers
