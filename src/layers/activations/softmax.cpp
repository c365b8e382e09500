#include "keras/layers/activations/softmax.h"

#include "keras/ops/nn.h"

namespace keras::layers {

Softmax::Softmax(SoftmaxOptions o)
    : Concrete("Softmax", LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}), o_(std::move(o)) {}

Tensor Softmax::call(const Tensor& x, const CallContext&) {
  if (o_.axis >= x.rank() || o_.axis < -x.rank())
    fail(detail::cat("axis=", o_.axis, " is out of range for an input of shape ", x.shape().to_string()));
  return ops::softmax(x, o_.axis);
}

}  // namespace keras::layers
