// keras.layers.Activation: applies an activation function by name or value.
//   layers::Activation("relu")
#pragma once

#include "keras/activations/activations.h"
#include "keras/layers/layer.h"

namespace keras::layers {

using ActivationOptions = LayerArgs;

class Activation : public Concrete<Activation> {
 public:
  explicit Activation(activations::Activation activation, ActivationOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const activations::Activation& activation() const { return activation_; }

 private:
  activations::Activation activation_;
};

}  // namespace keras::layers
