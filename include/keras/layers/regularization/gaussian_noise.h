// keras.layers.GaussianNoise: adds zero-mean normal noise of `stddev` in training only.
//   layers::GaussianNoise(0.1);
#pragma once

#include "keras/layers/layer.h"
#include "keras/random/random.h"

namespace keras::layers {

struct GaussianNoiseOptions {
  std::optional<uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    return std::tuple{field("seed", &GaussianNoiseOptions::seed)};
  }
};

class GaussianNoise : public Concrete<GaussianNoise> {
 public:
  using Options = GaussianNoiseOptions;
  explicit GaussianNoise(double stddev, GaussianNoiseOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  double stddev() const { return stddev_; }
  const GaussianNoiseOptions& options() const { return o_; }

 private:
  double stddev_;
  GaussianNoiseOptions o_;
  random::SeedGenerator seeds_;
};

}  // namespace keras::layers
