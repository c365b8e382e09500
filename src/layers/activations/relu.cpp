#include "keras/layers/activations/relu.h"
#include "keras/layers/layer_config.h"

#include "keras/ops/nn.h"

namespace keras::layers {

using keras::detail::cat;

ReLU::ReLU(ReLUOptions o) : Concrete("ReLU", layer_args_of(o)), o_(std::move(o)) {
  if (o_.max_value && *o_.max_value < 0)
    fail(cat("max_value of a ReLU layer cannot be a negative value. Received: max_value=", *o_.max_value));
  if (o_.negative_slope < 0)
    fail(cat("negative_slope of a ReLU layer cannot be a negative value. Received: negative_slope=", o_.negative_slope));
}

Tensor ReLU::call(const Tensor& x, const CallContext&) {
  return ops::relu(x, o_.negative_slope, o_.max_value.value_or(-1.0), o_.threshold);
}

Config ReLU::get_config() const { return config_with_fields(*this, o_); }

}  // namespace keras::layers
