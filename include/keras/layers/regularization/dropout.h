// keras.layers.Dropout: in training, zeroes inputs with probability `rate` and scales the
// rest by 1 / (1 - rate); the identity at inference.
//
// Args: rate in [0, 1]; noise_shape (broadcast mask shape, batch dim included; kNone
//   entries take the input's size); seed (reproducible masks).
#pragma once

#include "keras/layers/layer.h"
#include "keras/random/random.h"

namespace keras::layers {

struct DropoutOptions {
  std::optional<Shape> noise_shape{};
  std::optional<uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    return std::tuple{field("seed", &DropoutOptions::seed), field("noise_shape", &DropoutOptions::noise_shape)};
  }
};

class Dropout : public Concrete<Dropout> {
 public:
  using Options = DropoutOptions;
  explicit Dropout(double rate, DropoutOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  double rate() const { return rate_; }
  const DropoutOptions& options() const { return options_; }

 private:
  double rate_;
  DropoutOptions options_;
  random::SeedGenerator seeds_;
};

}  // namespace keras::layers
