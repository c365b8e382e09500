#include "keras/layers/reshaping/up_sampling2d.h"

#include <algorithm>
#include <cctype>

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/image.h"
#include "layers/reshaping/up_sampling_internal.h"

namespace keras::layers {

using keras::detail::cat;

UpSampling2D::UpSampling2D(Size2 size, UpSampling2DOptions o)
    : Concrete("UpSampling2D", layer_args_of(o)), size_(size), options_(std::move(o)) {
  // Keras keeps interpolation.lower().
  std::transform(options_.interpolation.begin(), options_.interpolation.end(), options_.interpolation.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (const std::string bad = detail::bad_factors_message(size_.vec()); !bad.empty()) fail(bad);
  if (options_.data_format != "channels_last")
    fail("Only data_format=\"channels_last\" is supported; got \"" + options_.data_format + "\"");
  if (!ops::image::is_resize_interpolation(options_.interpolation))
    fail(cat("Invalid value for argument `interpolation`. Expected one of ", ops::image::resize_interpolations_list(),
             ". Received: interpolation=\"", options_.interpolation, "\""));
  input_spec_.ndim = 4;
}

Shape UpSampling2D::compute_output_shape(const Shape& s) {
  if (s.rank() != 4) fail(cat("Expected an input of rank 4 (batch, rows, cols, channels), got shape ", s.to_string()));
  return detail::upsampled_shape(s, size_.vec());
}

Tensor UpSampling2D::call(const Tensor& x, const CallContext&) {
  // An empty input has no values to interpolate: only the shape changes (as in Keras,
  // whose resize leaves an axis of length 0 alone).
  if (options_.interpolation == "nearest" || x.size() == 0)
    return ops::repeat(ops::repeat(x, size_[0], 1), size_[1], 2);
  return ops::image::resize(x, {x.dim(1) * size_[0], x.dim(2) * size_[1]}, options_.interpolation);
}

Config UpSampling2D::get_config() const { return config_with(*this, "size", size_, options_); }

std::shared_ptr<Layer> UpSampling2D::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<UpSampling2D, Size2>("size", Size2(2));
}

}  // namespace keras::layers
