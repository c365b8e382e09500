#include "keras/layers/core/op_layers.h"
#include "keras/layers/layer_config.h"

#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers {

NotEqual::NotEqual(double value, OpLayerOptions o) : Concrete("NotEqual", LayerArgs{{}, o.name, {}, true}), value_(value) {}

Tensor NotEqual::call(const Tensor& x, const CallContext&) {
  return ops::not_equal(x.dtype() == DType::float32 ? x : ops::cast(x, DType::float32),
                         Tensor::scalar(value_, DType::float32, x.device()));
}

Any::Any(int64_t axis, bool keepdims, OpLayerOptions o)
    : Concrete("Any", LayerArgs{{}, o.name, {}, true}), axis_(axis), keepdims_(keepdims) {}

Tensor Any::call(const Tensor& x, const CallContext&) { return ops::any(x, {axis_}, keepdims_); }

Shape Any::compute_output_shape(const Shape& s) {
  const int64_t a = axis_ < 0 ? axis_ + s.rank() : axis_;
  if (a < 0 || a >= s.rank()) fail(detail::cat("axis ", axis_, " is out of range for input of shape ", s.to_string()));
  Shape out;
  for (int64_t i = 0; i < s.rank(); ++i) {
    if (i != a) out.push_back(s[static_cast<size_t>(i)]);
    else if (keepdims_) out.push_back(1);
  }
  return out;
}

// Keras writes these operations' configs with their name and arguments only.
Config NotEqual::get_config() const { return Config{{"name", name()}}; }

std::shared_ptr<Layer> NotEqual::from_config(const Config& config) {
  return std::make_shared<NotEqual>(0.0, OpLayerOptions{ConfigReader(config).get<std::string>("name", "")});
}

Config Any::get_config() const { return Config{{"name", name()}, {"axis", axis_}, {"keepdims", keepdims_}}; }

std::shared_ptr<Layer> Any::from_config(const Config& config) {
  ConfigReader r(config);
  int64_t axis = -1;
  if (const Config* a = r.find("axis")) SingleAxis::read(*a, r.what("axis"), axis);
  return std::make_shared<Any>(axis, r.get<bool>("keepdims", false), OpLayerOptions{r.get<std::string>("name", "")});
}

}  // namespace keras::layers
