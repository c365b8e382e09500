#include "keras/layers/normalization/unit_normalization.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/nn.h"
#include "layers/normalization/normalization_internal.h"

namespace keras::layers {

UnitNormalization::UnitNormalization(UnitNormalizationOptions o)
    : Concrete("UnitNormalization", layer_args_of(o)), o_(std::move(o)) {
  if (o_.axis.values.empty()) fail("Invalid value for argument `axis`: expected an int or a non-empty list of ints");
}

Tensor UnitNormalization::call(const Tensor& x, const CallContext&) {
  const auto axes = detail::canonical_axes(o_.axis, x.shape(), detail::layer_label(name(), class_name()), false);
  return ops::normalize(x, axes, /*epsilon=*/1e-12);
}

Shape UnitNormalization::compute_output_shape(const Shape& input_shape) {
  detail::canonical_axes(o_.axis, input_shape, detail::layer_label(name(), class_name()), /*need_known=*/false);
  return input_shape;
}

Config UnitNormalization::get_config() const { return config_with_fields(*this, o_); }

std::shared_ptr<Layer> UnitNormalization::from_config(const Config& config) {
  return std::make_shared<UnitNormalization>(ConfigReader(config).options<UnitNormalizationOptions>());
}

}  // namespace keras::layers
