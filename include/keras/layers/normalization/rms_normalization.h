// keras.layers.RMSNormalization (keras/src/layers/normalization/rms_normalization.py):
// scales each sample by the root mean square over `axis`:
//   y = x * rsqrt(mean(x^2) + epsilon) * scale
// (Zhang & Sennrich, 2019; not LayerNormalization(rms_scaling=True), which uses the variance).
//
// Args: axis (-1; an int or a list; a list once built, as Keras writes it); epsilon (1e-6).
// Weights: scale (ones), of the shape of the normalized axes.
// Input: any shape with known sizes on `axis`. Output: the same shape.
//
//   layers::RMSNormalization();  layers::RMSNormalization({.axis = {1, 2}, .epsilon = 1e-5});
#pragma once

#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

struct RMSNormalizationOptions {
  Axes axis = -1;
  double epsilon = 1e-6;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = RMSNormalizationOptions;
    return std::tuple{field("axis", &O::axis), field("epsilon", &O::epsilon)};
  }
};

class RMSNormalization : public Concrete<RMSNormalization> {
 public:
  using Options = RMSNormalizationOptions;
  explicit RMSNormalization(RMSNormalizationOptions options = {});
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const RMSNormalizationOptions& options() const { return o_; }

 private:
  RMSNormalizationOptions o_;
  std::vector<int64_t> axes_;  // non-negative, sorted, set by build
  Variable scale_;
};

}  // namespace keras::layers
