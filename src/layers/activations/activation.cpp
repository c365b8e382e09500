#include "keras/layers/activations/activation.h"
#include "keras/layers/layer_config.h"

namespace keras::layers {

Activation::Activation(activations::Activation activation, ActivationOptions o)
    : Concrete("Activation", layer_args_of(o)), activation_(std::move(activation)) {}

Tensor Activation::call(const Tensor& x, const CallContext&) { return activation_(x); }

Config Activation::get_config() const {
  Config c = Layer::get_config();
  c["activation"] = config_value(activation_);
  return c;
}

std::shared_ptr<Layer> Activation::from_config(const Config& config) {
  ConfigReader r(config);
  activations::Activation a;
  read_config_value(r.need("activation"), r.what("activation"), a);
  return std::make_shared<Activation>(a, r.options<ActivationOptions>());
}

}  // namespace keras::layers
