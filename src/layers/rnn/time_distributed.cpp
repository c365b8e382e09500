#include "keras/layers/rnn/time_distributed.h"
#include "keras/layers/registry.h"

#include "keras/ops/core.h"

namespace keras::layers {

using keras::detail::cat;

TimeDistributed::TimeDistributed(LayerHandle layer, TimeDistributedOptions o)
    : Concrete("TimeDistributed", layer_args_of(o)), layer_(layer.ptr()) {
  if (!layer_) fail("TimeDistributed needs a layer");
  input_spec_.min_ndim = 3;
  track_layer(layer_);
}

void TimeDistributed::build(const Shape& input_shape) {
  Shape step = input_shape.slice(1);
  step[0] = input_shape[0];  // (batch, ...) without the time axis
  if (!layer_->built()) layer_->build_for({step});
}

Tensor TimeDistributed::call(const Tensor& x, const CallContext& ctx) {
  const int64_t batch = x.dim(0), steps = x.dim(1);
  Shape folded = x.shape().slice(1);
  folded[0] = batch * steps;
  Tensor y = (*layer_)(TensorList{ops::reshape(x, folded)}, CallContext{ctx.training}).at(0);
  Shape out{batch, steps};
  for (int64_t i = 1; i < y.rank(); ++i) out.push_back(y.dim(i));
  return ops::reshape(y, out);
}

Shape TimeDistributed::compute_output_shape(const Shape& input_shape) {
  if (input_shape.rank() < 3)
    fail(cat("TimeDistributed needs input of rank 3 or more (batch, time, ...); got ", input_shape.to_string()));
  Shape step = input_shape.slice(1);
  step[0] = input_shape[0];
  const Shape inner = layer_->compute_output_shape(std::vector<Shape>{step}).at(0);
  Shape out{input_shape[0], input_shape[1]};
  for (int64_t i = 1; i < inner.rank(); ++i) out.push_back(inner[static_cast<size_t>(i)]);
  return out;
}

Config TimeDistributed::get_config() const {
  Config c = Layer::get_config();
  c["layer"] = serialize(*layer_);
  return c;
}

std::shared_ptr<Layer> TimeDistributed::from_config(const Config& config) {
  ConfigReader r(config);
  return std::make_shared<TimeDistributed>(LayerHandle(deserialize(r.need("layer"))), r.options<TimeDistributedOptions>());
}

}  // namespace keras::layers
