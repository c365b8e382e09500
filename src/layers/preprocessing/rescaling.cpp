#include "keras/layers/preprocessing/rescaling.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers {

Rescaling::Rescaling(FloatOrList scale, RescalingOptions o)
    : Concrete("Rescaling", layer_args_of(o)), scale_(std::move(scale)), options_(std::move(o)) {
  if (scale_.values.empty()) fail("`scale` must be a number or a non-empty list of numbers");
  if (options_.offset.values.empty()) fail("`offset` must be a number or a non-empty list of numbers");
}

Tensor Rescaling::apply(const Tensor& x, const FloatOrList& v, bool multiply, const char* what) const {
  if (!v.is_list || v.values.size() == 1) {
    const double s = v.values[0];
    if (multiply) return s == 1.0 ? x : x * s;
    return s == 0.0 ? x : x + s;
  }
  const auto n = static_cast<int64_t>(v.values.size());
  if (x.rank() == 0 || x.dim(-1) != n)
    fail(detail::cat("`", what, "` has ", n, " values, one per channel, but the input's last axis has shape ",
                     x.shape().to_string()));
  std::vector<float> f(v.values.begin(), v.values.end());
  const Tensor t = Tensor::from_vector(f, Shape{n}, x.device()).astype(x.dtype());
  return multiply ? x * t : x + t;
}

Tensor Rescaling::call(const Tensor& x, const CallContext&) {
  const Tensor xf = x.dtype() == dtype() ? x : ops::cast(x, dtype());
  return apply(apply(xf, scale_, true, "scale"), options_.offset, false, "offset");
}

Config Rescaling::get_config() const {
  Config c = Layer::get_config();
  c["scale"] = config_value(scale_);
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> Rescaling::from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<Rescaling>(r.required<FloatOrList>("scale"), r.options<RescalingOptions>());
}

}  // namespace keras::layers
