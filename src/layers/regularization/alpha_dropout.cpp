#include "keras/layers/regularization/alpha_dropout.h"

#include <cmath>

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers {

using keras::detail::cat;

AlphaDropout::AlphaDropout(double rate, AlphaDropoutOptions o)
    : Concrete("AlphaDropout", layer_args_of(o)), rate_(rate), options_(std::move(o)), seeds_(options_.seed) {
  if (!(rate >= 0.0 && rate <= 1.0))
    fail(cat("Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=",
             rate));
}

Tensor AlphaDropout::call(const Tensor& x, const CallContext& ctx) {
  if (!ctx.training || rate_ == 0.0) return x;
  if (rate_ >= 1.0) return ops::multiply(x, ops::zeros_like(x));
  Shape noise = x.shape();
  if (options_.noise_shape) {
    noise = *options_.noise_shape;
    if (noise.rank() != x.rank())
      fail(
          cat("noise_shape ", noise.to_string(), " does not have the rank of the input shape ", x.shape().to_string()));
    for (size_t i = 0; i < noise.size(); ++i)
      if (noise[i] == kNone) noise[i] = x.shape()[i];
  }
  constexpr double kAlpha = 1.6732632423543772848170429916717, kScale = 1.0507009873554804934193349852946;
  constexpr double kAlphaP = -kAlpha * kScale;
  const double a = std::pow((1.0 - rate_) * (1.0 + rate_ * kAlphaP * kAlphaP), -0.5);
  const double b = -a * kAlphaP * rate_;
  const Tensor u = random::uniform(noise, 0.0, 1.0, seeds_.next(), x.device());
  const Tensor kept = ops::cast(ops::greater_equal(u, Tensor::scalar(rate_, u.dtype(), x.device())), x.dtype());
  // a * (x * kept + alpha' * (1 - kept)) + b, as Keras writes it.
  const Tensor dropped = (kept * -1.0 + 1.0) * kAlphaP;
  return (x * kept + dropped) * a + b;
}

Config AlphaDropout::get_config() const {
  Config c = Layer::get_config();
  c["rate"] = rate_;
  c["seed"] = config_value(options_.seed);
  c["noise_shape"] = config_value(options_.noise_shape);
  return c;
}

std::shared_ptr<Layer> AlphaDropout::from_config(const Config& config) {
  return ConfigReader(config).make<AlphaDropout, double>("rate");
}

}  // namespace keras::layers
