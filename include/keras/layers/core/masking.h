// keras.layers.Masking (keras/src/layers/core/masking.py): marks the timesteps whose
// features all equal `mask_value` as padding. Those steps are zeroed in the output, and
// the mask (batch, time) goes to the layers downstream (RNNs skip the steps).
//
//   layers::Masking(0.0)  // on (batch, time, features)
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

using MaskingOptions = LayerArgs;

class Masking : public Concrete<Masking> {
 public:
  using Options = MaskingOptions;
  explicit Masking(double mask_value = 0.0, MaskingOptions options = {});

  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  TensorList compute_mask(const TensorList& inputs, const TensorList& masks, size_t num_outputs) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

  double mask_value() const { return mask_value_; }

 private:
  Tensor step_mask(const Tensor& x) const;
  double mask_value_;
};

}  // namespace keras::layers
