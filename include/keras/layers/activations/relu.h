// keras.layers.ReLU: max_value if x >= max_value, x if threshold <= x < max_value,
// negative_slope * (x - threshold) otherwise.
//   layers::ReLU();  layers::ReLU({.max_value = 6.0});  layers::ReLU({.negative_slope = 0.1, .threshold = 0.5});
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

struct ReLUOptions {
  std::optional<double> max_value{};
  double negative_slope = 0.0;
  double threshold = 0.0;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class ReLU : public Concrete<ReLU> {
 public:
  explicit ReLU(ReLUOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  const ReLUOptions& options() const { return o_; }

 private:
  ReLUOptions o_;
};

}  // namespace keras::layers
