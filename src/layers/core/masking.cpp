#include "keras/layers/core/masking.h"
#include "keras/layers/layer_config.h"

#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers {

Masking::Masking(double mask_value, MaskingOptions o)
    : Concrete("Masking", layer_args_of(o)), mask_value_(mask_value) {
  input_spec_.min_ndim = 2;
}

Tensor Masking::step_mask(const Tensor& x) const {
  return ops::any(ops::not_equal(x, Tensor::scalar(mask_value_, x.dtype(), x.device())), {-1});
}

Tensor Masking::call(const Tensor& x, const CallContext&) {
  return ops::multiply(x, ops::expand_dims(ops::cast(step_mask(x), x.dtype()), -1));
}

TensorList Masking::compute_mask(const TensorList& inputs, const TensorList&, size_t) { return {step_mask(inputs[0])}; }

Config Masking::get_config() const { return config_with(*this, "mask_value", mask_value_); }

std::shared_ptr<Layer> Masking::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<Masking, double>("mask_value", 0.0);
}

}  // namespace keras::layers
