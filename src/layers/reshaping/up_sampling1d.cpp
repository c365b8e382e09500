#include "keras/layers/reshaping/up_sampling1d.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "layers/reshaping/up_sampling_internal.h"

namespace keras::layers {

UpSampling1D::UpSampling1D(int64_t size, UpSampling1DOptions o)
    : Concrete("UpSampling1D", layer_args_of(o)), size_(size) {
  if (size <= 0) fail(keras::detail::cat("Argument `size` should be a positive integer. Received: size=", size));
  input_spec_.ndim = 3;
}

Shape UpSampling1D::compute_output_shape(const Shape& s) {
  if (s.rank() != 3)
    fail(keras::detail::cat("Expected an input of rank 3 (batch, steps, features), got shape ", s.to_string()));
  return detail::upsampled_shape(s, {size_});
}

Tensor UpSampling1D::call(const Tensor& x, const CallContext&) { return ops::repeat(x, size_, 1); }

Config UpSampling1D::get_config() const { return config_with(*this, "size", size_); }

std::shared_ptr<Layer> UpSampling1D::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<UpSampling1D, int64_t>("size", 2);
}

}  // namespace keras::layers
