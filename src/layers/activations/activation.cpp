#include "keras/layers/activations/activation.h"

namespace keras::layers {

Activation::Activation(activations::Activation activation, ActivationOptions o)
    : Concrete("Activation", LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}), activation_(std::move(activation)) {}

Tensor Activation::call(const Tensor& x, const CallContext&) { return activation_(x); }

}  // namespace keras::layers
