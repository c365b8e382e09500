#include "keras/layers/pooling/base_global_pooling.h"
#include "keras/layers/layer_config.h"

#include <numeric>

#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers {

BaseGlobalPooling::BaseGlobalPooling(std::string class_name, int rank, bool max, const GlobalPoolingOptions& o)
    : Layer(std::move(class_name), layer_args_of(o)),
      rank_(rank),
      max_(max),
      keepdims_(o.keepdims),
      options_(o) {
  if (o.data_format != "channels_last")
    fail("Only data_format=\"channels_last\" is supported; got \"" + o.data_format + "\"");
  input_spec_.ndim = rank + 2;
}

Tensor BaseGlobalPooling::call(const Tensor& x, const CallContext& ctx) {
  if (const Tensor mask = ctx.mask(); mask.defined() && supports_masking()) {
    const Tensor m = ops::expand_dims(ops::cast(mask, x.dtype()), 2);
    return ops::divide(ops::sum(ops::multiply(x, m), {1}, keepdims_), ops::sum(m, {1}, keepdims_));
  }
  std::vector<int64_t> axes(static_cast<size_t>(rank_));
  std::iota(axes.begin(), axes.end(), 1);
  return max_ ? ops::max(x, axes, keepdims_) : ops::mean(x, axes, keepdims_);
}

Shape BaseGlobalPooling::compute_output_shape(const Shape& s) {
  if (!keepdims_) return Shape{s[0], s.back()};
  Shape out{s[0]};
  for (int i = 0; i < rank_; ++i) out.push_back(1);
  out.push_back(s.back());
  return out;
}

Config BaseGlobalPooling::get_config() const { return config_with_fields(*this, options_); }

}  // namespace keras::layers
