// keras.layers.UnitNormalization (keras/src/layers/normalization/unit_normalization.py):
// scales each sample to unit L2 norm over `axis`:
//   y = x / max(sqrt(sum(x^2)), 1e-12)
// No weights.
//
// Args: axis (-1; an int or a list, written back as given).
// Input: any shape. Output: the same shape.
//
//   layers::UnitNormalization();  layers::UnitNormalization({.axis = {1, 2}});
#pragma once

#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

struct UnitNormalizationOptions {
  Axes axis = -1;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() { return std::tuple{field("axis", &UnitNormalizationOptions::axis)}; }
};

class UnitNormalization : public Concrete<UnitNormalization> {
 public:
  using Options = UnitNormalizationOptions;
  explicit UnitNormalization(UnitNormalizationOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const UnitNormalizationOptions& options() const { return o_; }

 private:
  UnitNormalizationOptions o_;
};

}  // namespace keras::layers
