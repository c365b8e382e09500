#include "keras/layers/regularization/gaussian_dropout.h"
#include "keras/layers/layer_config.h"

#include <cmath>

#include "keras/ops/math.h"

namespace keras::layers {

GaussianDropout::GaussianDropout(double rate, GaussianDropoutOptions o)
    : Concrete("GaussianDropout", layer_args_of(o)),
      rate_(rate),
      o_(std::move(o)),
      seeds_(o_.seed) {
  if (!(rate >= 0 && rate < 1))
    fail(detail::cat("Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=",
                     rate));
}

Tensor GaussianDropout::call(const Tensor& x, const CallContext& ctx) {
  if (!ctx.training || rate_ == 0) return x;
  const double stddev = std::sqrt(rate_ / (1.0 - rate_));
  return ops::multiply(x, random::normal(x.shape(), 1.0, stddev, seeds_.next(), x.device()));
}

Config GaussianDropout::get_config() const { return config_with(*this, "rate", rate_, o_); }

std::shared_ptr<Layer> GaussianDropout::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<GaussianDropout, double>("rate");
}

}  // namespace keras::layers
