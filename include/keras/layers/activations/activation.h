// keras.layers.Activation: applies an activation function by name or value.
//   layers::Activation("relu")
#pragma once

#include "keras/activations/activations.h"
#include "keras/layers/layer.h"

namespace keras::layers {

struct ActivationOptions {
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class Activation : public Concrete<Activation> {
 public:
  explicit Activation(activations::Activation activation, ActivationOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  const activations::Activation& activation() const { return activation_; }

 private:
  activations::Activation activation_;
};

}  // namespace keras::layers
