#include "keras/layers/activations/leaky_relu.h"
#include "keras/layers/layer_config.h"

#include "keras/ops/nn.h"

namespace keras::layers {

LeakyReLU::LeakyReLU(LeakyReLUOptions o)
    : Concrete("LeakyReLU", layer_args_of(o)), o_(std::move(o)) {
  if (o_.negative_slope < 0)
    fail(detail::cat("The negative_slope value of a Leaky ReLU layer cannot be negative, but received: ",
                     o_.negative_slope));
}

Tensor LeakyReLU::call(const Tensor& x, const CallContext&) { return ops::leaky_relu(x, o_.negative_slope); }

Config LeakyReLU::get_config() const { return config_with_fields(*this, o_); }

}  // namespace keras::layers
