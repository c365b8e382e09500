#include "keras/layers/reshaping/flatten.h"
#include "keras/layers/layer_config.h"

#include "keras/ops/core.h"

namespace keras::layers {

Flatten::Flatten(FlattenOptions o)
    : Concrete("Flatten", layer_args_of(o)), options_(o) {
  if (o.data_format != "channels_last")
    fail("Flatten: only data_format=\"channels_last\" is supported, got \"" + o.data_format + "\"");
  input_spec_.min_ndim = 1;
}

Tensor Flatten::call(const Tensor& x, const CallContext&) {
  return ops::reshape(x, Shape{x.dim(0), x.rank() == 1 ? 1 : -1});
}

Shape Flatten::compute_output_shape(const Shape& s) {
  int64_t n = 1;
  for (int64_t i = 1; i < s.rank(); ++i) {
    if (s[static_cast<size_t>(i)] == kNone) return Shape{s[0], kNone};
    n *= s[static_cast<size_t>(i)];
  }
  return Shape{s[0], n};
}

Config Flatten::get_config() const { return config_with_fields(*this, options_); }

}  // namespace keras::layers
