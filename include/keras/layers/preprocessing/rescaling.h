// keras.layers.Rescaling (keras/src/layers/preprocessing/rescaling.py): inputs * scale +
// offset, computed in the layer's dtype (integer images become float32).
//
// Args: scale (a float, or one per channel: a list broadcast along the last axis);
// offset (0.0; a float or a list, the same way).
// Input: any shape. Output: the same shape, float.
//
//   layers::Rescaling(1.0 / 255);                                 // [0, 255] -> [0, 1]
//   layers::Rescaling(1.0 / 127.5, {.offset = -1.0});             // [0, 255] -> [-1, 1]
//   layers::Rescaling(FloatOrList{1 / 58.4, 1 / 57.1, 1 / 57.4});  // per-channel scale
#pragma once

#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

struct RescalingOptions {
  FloatOrList offset = 0.0;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() { return std::tuple{field("offset", &RescalingOptions::offset)}; }
};

class Rescaling : public Concrete<Rescaling> {
 public:
  using Options = RescalingOptions;
  explicit Rescaling(FloatOrList scale, RescalingOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const FloatOrList& scale() const { return scale_; }
  const RescalingOptions& options() const { return options_; }

 private:
  /// x * v or x + v, a list along the last axis.
  Tensor apply(const Tensor& x, const FloatOrList& v, bool multiply, const char* what) const;

  FloatOrList scale_;
  RescalingOptions options_;
};

}  // namespace keras::layers
