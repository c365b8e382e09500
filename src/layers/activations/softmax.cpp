#include "keras/layers/activations/softmax.h"
#include "keras/layers/layer_config.h"

#include "keras/ops/nn.h"

namespace keras::layers {

Softmax::Softmax(SoftmaxOptions o)
    : Concrete("Softmax", layer_args_of(o)), o_(std::move(o)) {}

Tensor Softmax::call(const Tensor& x, const CallContext&) {
  if (o_.axis >= x.rank() || o_.axis < -x.rank())
    fail(detail::cat("axis=", o_.axis, " is out of range for an input of shape ", x.shape().to_string()));
  return ops::softmax(x, o_.axis);
}

Config Softmax::get_config() const { return config_with_fields(*this, o_); }

}  // namespace keras::layers
