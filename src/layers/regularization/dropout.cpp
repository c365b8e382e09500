#include "keras/layers/regularization/dropout.h"
#include "keras/layers/layer_config.h"

#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"

namespace keras::layers {

Dropout::Dropout(double rate, DropoutOptions o)
    : Concrete("Dropout", layer_args_of(o)),
      rate_(rate),
      options_(std::move(o)),
      seeds_(options_.seed) {
  if (!(rate >= 0.0 && rate <= 1.0))
    fail(detail::cat("Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                     "Received: rate=", rate));
}

Tensor Dropout::call(const Tensor& x, const CallContext& ctx) {
  if (!ctx.training || rate_ == 0.0) return x;
  if (rate_ >= 1.0) return ops::multiply(x, ops::zeros_like(x));
  Shape noise;
  if (options_.noise_shape) {
    noise = *options_.noise_shape;
    if (noise.rank() != x.rank())
      fail(detail::cat("Dropout: noise_shape ", noise.to_string(), " does not have the rank of the input shape ",
                       x.shape().to_string()));
  }
  return ops::dropout(x, rate_, noise, seeds_.next());
}

Config Dropout::get_config() const { return config_with(*this, "rate", rate_, options_); }

std::shared_ptr<Layer> Dropout::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<Dropout, double>("rate");
}

}  // namespace keras::layers
