#include "keras/layers/normalization/rms_normalization.h"

#include <algorithm>

#include "keras/layers/layer_config.h"
#include "keras/ops/nn.h"
#include "layers/normalization/normalization_internal.h"

namespace keras::layers {

using keras::detail::cat;

RMSNormalization::RMSNormalization(RMSNormalizationOptions o)
    : Concrete("RMSNormalization", layer_args_of(o)), o_(std::move(o)) {
  if (o_.axis.values.empty()) fail("Invalid value for argument `axis`: expected an int or a non-empty list of ints");
  if (!(o_.epsilon > 0))
    fail(cat("Invalid value for argument `epsilon`: expected a positive number, got ", o_.epsilon));
}

void RMSNormalization::build(const Shape& input_shape) {
  axes_ = detail::canonical_axes(o_.axis, input_shape, detail::layer_label(name(), class_name()));
  Shape shape;
  for (int64_t a : axes_) shape.push_back(input_shape[static_cast<size_t>(a)]);
  std::vector<int64_t> sorted = o_.axis.values;  // Keras keeps the axes as given, sorted, in a list
  std::sort(sorted.begin(), sorted.end());
  o_.axis = Axes(sorted);
  scale_ = add_weight("scale", shape, "ones");
}

Tensor RMSNormalization::call(const Tensor& x, const CallContext&) {
  return ops::rms_normalization(x, scale_, axes_, o_.epsilon);
}

Shape RMSNormalization::compute_output_shape(const Shape& input_shape) {
  detail::canonical_axes(o_.axis, input_shape, detail::layer_label(name(), class_name()), /*need_known=*/false);
  return input_shape;
}

Config RMSNormalization::get_config() const { return config_with_fields(*this, o_); }

std::shared_ptr<Layer> RMSNormalization::from_config(const Config& config) {
  return std::make_shared<RMSNormalization>(ConfigReader(config).options<RMSNormalizationOptions>());
}

}  // namespace keras::layers
