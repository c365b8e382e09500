// keras.layers.ReLU: max_value if x >= max_value, x if threshold <= x < max_value,
// negative_slope * (x - threshold) otherwise.
//   layers::ReLU();  layers::ReLU({.max_value = 6.0});  layers::ReLU({.negative_slope = 0.1, .threshold = 0.5});
#pragma once

#include "keras/layers/fields.h"
#include "keras/layers/layer.h"

namespace keras::layers {

struct ReLUOptions {
  std::optional<double> max_value{};
  double negative_slope = 0.0;
  double threshold = 0.0;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = ReLUOptions;
    return std::tuple{field("max_value", &O::max_value), field("negative_slope", &O::negative_slope),
                      field("threshold", &O::threshold)};
  }
};

class ReLU : public Concrete<ReLU> {
 public:
  using Options = ReLUOptions;
  explicit ReLU(ReLUOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  const ReLUOptions& options() const { return o_; }

 private:
  ReLUOptions o_;
};

}  // namespace keras::layers
