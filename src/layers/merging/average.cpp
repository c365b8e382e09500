#include "keras/layers/merging/average.h"

#include "keras/ops/math.h"

namespace keras::layers {

Average::Average(MergeOptions options) : Concrete("Average", options) {}

Tensor Average::merge(const TensorList& xs) {
  Tensor y = xs[0];
  for (size_t i = 1; i < xs.size(); ++i) y = ops::add(y, xs[i]);
  return ops::divide(y, Tensor::full(Shape{}, static_cast<double>(xs.size()), y.dtype(), y.device()));
}

}  // namespace keras::layers
