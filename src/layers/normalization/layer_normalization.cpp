#include "keras/layers/normalization/layer_normalization.h"

#include <algorithm>

#include "keras/layers/layer_config.h"
#include "keras/ops/nn.h"
#include "layers/normalization/normalization_internal.h"

namespace keras::layers {

using keras::detail::cat;

LayerNormalization::LayerNormalization(LayerNormalizationOptions o)
    : Concrete("LayerNormalization", layer_args_of(o)), o_(std::move(o)) {
  if (o_.axis.values.empty()) fail("Invalid value for argument `axis`: expected an int or a non-empty list of ints");
  if (!(o_.epsilon > 0))
    fail(cat("Invalid value for argument `epsilon`: expected a positive number, got ", o_.epsilon));
}

void LayerNormalization::build(const Shape& input_shape) {
  axes_ = detail::canonical_axes(o_.axis, input_shape, detail::layer_label(name(), class_name()));
  Shape shape;
  for (int64_t a : axes_) shape.push_back(input_shape[static_cast<size_t>(a)]);
  // Keras 3.15 keeps the axes as given, sorted, in a list: that is what its config holds.
  std::vector<int64_t> sorted = o_.axis.values;
  std::sort(sorted.begin(), sorted.end());
  o_.axis = Axes(sorted);
  if (o_.scale || o_.rms_scaling)
    gamma_ = add_weight("gamma", shape, o_.gamma_initializer, true, o_.gamma_regularizer, o_.gamma_constraint);
  if (o_.center && !o_.rms_scaling)
    beta_ = add_weight("beta", shape, o_.beta_initializer, true, o_.beta_regularizer, o_.beta_constraint);
}

Tensor LayerNormalization::call(const Tensor& x, const CallContext&) {
  return ops::layer_normalization(x, gamma_.defined() ? gamma_.value() : Tensor(),
                                  beta_.defined() ? beta_.value() : Tensor(), axes_, o_.epsilon, o_.rms_scaling);
}

Shape LayerNormalization::compute_output_shape(const Shape& input_shape) {
  detail::canonical_axes(o_.axis, input_shape, detail::layer_label(name(), class_name()), /*need_known=*/false);
  return input_shape;
}

Config LayerNormalization::get_config() const { return config_with_fields(*this, o_); }

std::shared_ptr<Layer> LayerNormalization::from_config(const Config& config) {
  return std::make_shared<LayerNormalization>(ConfigReader(config).options<LayerNormalizationOptions>());
}

}  // namespace keras::layers
