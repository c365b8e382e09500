// keras.layers.LeakyReLU: x if x >= 0, negative_slope * x otherwise (default 0.3).
//   layers::LeakyReLU();  layers::LeakyReLU({.negative_slope = 0.05});
#pragma once

#include "keras/layers/fields.h"
#include "keras/layers/layer.h"

namespace keras::layers {

struct LeakyReLUOptions {
  double negative_slope = 0.3;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    return std::tuple{field("negative_slope", &LeakyReLUOptions::negative_slope, /*alias=*/"alpha")};
  }
};

class LeakyReLU : public Concrete<LeakyReLU> {
 public:
  using Options = LeakyReLUOptions;
  explicit LeakyReLU(LeakyReLUOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  double negative_slope() const { return o_.negative_slope; }

 private:
  LeakyReLUOptions o_;
};

}  // namespace keras::layers
