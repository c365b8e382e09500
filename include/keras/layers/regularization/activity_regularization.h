// keras.layers.ActivityRegularization: passes its input through and adds
// l1 * sum(|x|) + l2 * sum(x^2) of it to the loss of the step (training and evaluation).
//   layers::ActivityRegularization({.l1 = 1e-5});
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

struct ActivityRegularizationOptions {
  double l1 = 0.0;
  double l2 = 0.0;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    return std::tuple{field("l1", &ActivityRegularizationOptions::l1), field("l2", &ActivityRegularizationOptions::l2)};
  }
};

class ActivityRegularization : public Concrete<ActivityRegularization> {
 public:
  explicit ActivityRegularization(ActivityRegularizationOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override { return x; }
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  double l1() const { return o_.l1; }
  double l2() const { return o_.l2; }

 private:
  ActivityRegularizationOptions o_;
};

}  // namespace keras::layers
