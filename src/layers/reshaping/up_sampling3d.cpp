#include "keras/layers/reshaping/up_sampling3d.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "layers/reshaping/up_sampling_internal.h"

namespace keras::layers {

using keras::detail::cat;

UpSampling3D::UpSampling3D(Size3 size, UpSampling3DOptions o)
    : Concrete("UpSampling3D", layer_args_of(o)), size_(size), options_(std::move(o)) {
  if (const std::string bad = detail::bad_factors_message(size_.vec()); !bad.empty()) fail(bad);
  if (options_.data_format != "channels_last")
    fail("Only data_format=\"channels_last\" is supported; got \"" + options_.data_format + "\"");
  input_spec_.ndim = 5;
}

Shape UpSampling3D::compute_output_shape(const Shape& s) {
  if (s.rank() != 5)
    fail(cat("Expected an input of rank 5 (batch, dim1, dim2, dim3, channels), got shape ", s.to_string()));
  return detail::upsampled_shape(s, size_.vec());
}

Tensor UpSampling3D::call(const Tensor& x, const CallContext&) {
  return ops::repeat(ops::repeat(ops::repeat(x, size_[0], 1), size_[1], 2), size_[2], 3);
}

Config UpSampling3D::get_config() const { return config_with(*this, "size", size_, options_); }

std::shared_ptr<Layer> UpSampling3D::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<UpSampling3D, Size3>("size", Size3(2));
}

}  // namespace keras::layers
