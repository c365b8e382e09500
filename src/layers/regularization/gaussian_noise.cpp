#include "keras/layers/regularization/gaussian_noise.h"
#include "keras/layers/layer_config.h"

#include "keras/ops/math.h"

namespace keras::layers {

GaussianNoise::GaussianNoise(double stddev, GaussianNoiseOptions o)
    : Concrete("GaussianNoise", layer_args_of(o)),
      stddev_(stddev),
      o_(std::move(o)),
      seeds_(o_.seed) {
  if (!(stddev >= 0))
    fail(detail::cat("Invalid value for argument `stddev`: expected a non-negative number. Received: stddev=", stddev));
}

Tensor GaussianNoise::call(const Tensor& x, const CallContext& ctx) {
  if (!ctx.training || stddev_ == 0) return x;
  return ops::add(x, random::normal(x.shape(), 0.0, stddev_, seeds_.next(), x.device()));
}

Config GaussianNoise::get_config() const { return config_with(*this, "stddev", stddev_, o_); }

std::shared_ptr<Layer> GaussianNoise::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<GaussianNoise, double>("stddev");
}

}  // namespace keras::layers
