// keras.layers.AlphaDropout (keras/src/layers/regularization/alpha_dropout.py): dropout
// for self-normalizing networks (SELU). In training each value is kept with probability
// 1 - rate or set to SELU's negative saturation alpha' = -scale * alpha (-1.7581), and
// the result is mapped by a * x + b with
//   a = ((1 - rate) * (1 + rate * alpha'^2))^-1/2,   b = -a * alpha' * rate,
// so inputs of mean 0 and variance 1 keep them; the identity at inference.
//
// Args: rate in [0, 1] (rate 1 gives zeros, the formula's limit); noise_shape (the mask's
//   shape, batch included; kNone entries take the input's size); seed.
// Input shape: any. Output shape: the same.
//
//   layers::AlphaDropout(0.1);  layers::AlphaDropout(0.2, {.noise_shape = Shape{kNone, 1, kNone}});
#pragma once

#include "keras/layers/layer.h"
#include "keras/layers/regularization/dropout.h"
#include "keras/random/random.h"

namespace keras::layers {

/// The same keyword arguments as Dropout's: noise_shape, seed.
using AlphaDropoutOptions = DropoutOptions;

class AlphaDropout : public Concrete<AlphaDropout> {
 public:
  using Options = AlphaDropoutOptions;
  explicit AlphaDropout(double rate, AlphaDropoutOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  bool supports_masking() const override { return true; }
  /// rate, seed, noise_shape.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  double rate() const { return rate_; }
  const AlphaDropoutOptions& options() const { return options_; }

 private:
  double rate_;
  AlphaDropoutOptions options_;
  random::SeedGenerator seeds_;
};

}  // namespace keras::layers
