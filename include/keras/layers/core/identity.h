// keras.layers.Identity (keras/src/layers/core/identity.py): returns its input unchanged,
// masks included. A placeholder where a model's structure wants a layer, e.g. an
// optional projection that is switched off.
//
// Args: only the common ones (name, dtype, trainable, input_shape).
// Input shape: any. Output shape: the same.
//
//   auto y = layers::Identity()(x);
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

class Identity : public Concrete<Identity> {
 public:
  using Options = LayerArgs;
  explicit Identity(LayerArgs options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override { return x; }
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  bool supports_masking() const override { return true; }
  /// Non-floating inputs (indices, masks) pass through with their dtype.
  std::vector<DType> compute_output_dtypes(const std::vector<DType>& input_dtypes, size_t n) override;
};

}  // namespace keras::layers
