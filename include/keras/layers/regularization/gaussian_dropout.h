// keras.layers.GaussianDropout: multiplies by normal noise of mean 1 and standard
// deviation sqrt(rate / (1 - rate)), in training only.
//   layers::GaussianDropout(0.3);
#pragma once

#include "keras/layers/layer.h"
#include "keras/layers/regularization/gaussian_noise.h"
#include "keras/random/random.h"

namespace keras::layers {

/// The same arguments as GaussianNoise (a seed).
using GaussianDropoutOptions = GaussianNoiseOptions;

class GaussianDropout : public Concrete<GaussianDropout> {
 public:
  using Options = GaussianDropoutOptions;
  explicit GaussianDropout(double rate, GaussianDropoutOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  double rate() const { return rate_; }
  const GaussianDropoutOptions& options() const { return o_; }

 private:
  double rate_;
  GaussianDropoutOptions o_;
  random::SeedGenerator seeds_;
};

}  // namespace keras::layers
