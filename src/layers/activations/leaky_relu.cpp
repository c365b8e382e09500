#include "keras/layers/activations/leaky_relu.h"

#include "keras/ops/nn.h"

namespace keras::layers {

LeakyReLU::LeakyReLU(LeakyReLUOptions o)
    : Concrete("LeakyReLU", LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}), o_(std::move(o)) {
  if (o_.negative_slope < 0)
    fail(detail::cat("The negative_slope value of a Leaky ReLU layer cannot be negative, but received: ",
                     o_.negative_slope));
}

Tensor LeakyReLU::call(const Tensor& x, const CallContext&) { return ops::leaky_relu(x, o_.negative_slope); }

}  // namespace keras::layers
