// keras.layers.GaussianDropout: multiplies by normal noise of mean 1 and standard
// deviation sqrt(rate / (1 - rate)), in training only.
//   layers::GaussianDropout(0.3);
#pragma once

#include "keras/layers/layer.h"
#include "keras/random/random.h"

namespace keras::layers {

struct GaussianDropoutOptions {
  std::optional<uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class GaussianDropout : public Concrete<GaussianDropout> {
 public:
  explicit GaussianDropout(double rate, GaussianDropoutOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  double rate() const { return rate_; }
  const GaussianDropoutOptions& options() const { return o_; }

 private:
  double rate_;
  GaussianDropoutOptions o_;
  random::SeedGenerator seeds_;
};

}  // namespace keras::layers
