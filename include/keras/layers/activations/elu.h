// keras.layers.ELU (keras/src/layers/activations/elu.py): the exponential linear unit,
// x for x > 0 and alpha * (exp(x) - 1) otherwise.
//
// Args: alpha (1.0): the value the negative side saturates to is -alpha.
// Input shape: any. Output shape: the same.
//
//   layers::ELU();  layers::ELU({.alpha = 0.5});
#pragma once

#include "keras/layers/fields.h"
#include "keras/layers/layer.h"

namespace keras::layers {

struct ELUOptions {
  double alpha = 1.0;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() { return std::tuple{field("alpha", &ELUOptions::alpha)}; }
};

class ELU : public Concrete<ELU> {
 public:
  using Options = ELUOptions;
  explicit ELU(ELUOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  bool supports_masking() const override { return true; }
  /// name, alpha, trainable, dtype: the order Keras's automatic config writes.
  Config get_config() const override;
  double alpha() const { return o_.alpha; }

 private:
  ELUOptions o_;
};

}  // namespace keras::layers
