#include "keras/layers/normalization/group_normalization.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/nn.h"
#include "layers/normalization/normalization_internal.h"

namespace keras::layers {

using keras::detail::cat;

GroupNormalization::GroupNormalization(int64_t groups, GroupNormalizationOptions o)
    : Concrete("GroupNormalization", layer_args_of(o)), groups_(groups), o_(std::move(o)) {
  if (groups_ <= 0 && groups_ != -1)
    fail(
        cat("Received an invalid value for argument `groups`, expected a positive integer (or `-1` for instance "
            "normalization). Received: groups=",
            groups_));
  if (!(o_.epsilon > 0))
    fail(cat("Invalid value for argument `epsilon`: expected a positive number, got ", o_.epsilon));
}

void GroupNormalization::build(const Shape& input_shape) {
  const std::string label = detail::layer_label(name(), class_name());
  axis_ = detail::canonical_axes(o_.axis, input_shape, label, /*need_known=*/false).at(0);
  if (axis_ == 0) fail(cat("Invalid value for argument `axis`: ", o_.axis, " is the batch axis"));
  const int64_t dim = input_shape[static_cast<size_t>(axis_)];
  if (dim == kNone)
    fail(cat("Axis ", o_.axis,
             " of input tensor should have a defined dimension but the layer received an input with "
             "shape ",
             input_shape.to_string()));
  if (groups_ == -1) groups_ = dim;
  if (dim < groups_)
    fail(cat("Number of groups (", groups_, ") cannot be more than the number of channels (", dim, ")"));
  if (dim % groups_ != 0) fail(cat("Number of groups (", groups_, ") must divide the number of channels (", dim, ")"));
  input_spec_.ndim = input_shape.rank();
  input_spec_.axes = {{axis_, dim}};
  if (o_.scale)
    gamma_ = add_weight("gamma", Shape{dim}, o_.gamma_initializer, true, o_.gamma_regularizer, o_.gamma_constraint);
  if (o_.center)
    beta_ = add_weight("beta", Shape{dim}, o_.beta_initializer, true, o_.beta_regularizer, o_.beta_constraint);
}

Tensor GroupNormalization::call(const Tensor& x, const CallContext&) {
  // (batch, ..., channels, ...) -> (batch, ..., groups, channels / groups, ...): the
  // statistics are over every axis but the batch and the groups.
  const int64_t dim = x.dim(axis_);
  Shape grouped;
  Shape weight_shape;  // gamma / beta as (1, ..., groups, channels / groups, ..., 1)
  for (int64_t d = 0; d < x.rank(); ++d) {
    const bool channels = d == axis_;
    if (channels) {
      grouped.push_back(groups_);
      weight_shape.push_back(groups_);
    }
    grouped.push_back(channels ? dim / groups_ : x.dim(d));
    weight_shape.push_back(channels ? dim / groups_ : 1);
  }
  std::vector<int64_t> reduce;
  for (int64_t d = 1; d < grouped.rank(); ++d)
    if (d != axis_) reduce.push_back(d);
  const Tensor gamma = gamma_.defined() ? ops::reshape(gamma_, weight_shape) : Tensor();
  const Tensor beta = beta_.defined() ? ops::reshape(beta_, weight_shape) : Tensor();
  const Tensor y = ops::layer_normalization(ops::reshape(x, grouped), gamma, beta, reduce, o_.epsilon);
  return ops::reshape(y, x.shape());
}

Shape GroupNormalization::compute_output_shape(const Shape& input_shape) {
  detail::canonical_axes(o_.axis, input_shape, detail::layer_label(name(), class_name()), /*need_known=*/false);
  return input_shape;
}

Config GroupNormalization::get_config() const {
  Config c = Layer::get_config();
  c["groups"] = groups_;
  write_fields(c, o_, this);
  return c;
}

std::shared_ptr<Layer> GroupNormalization::from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<GroupNormalization>(r.get<int64_t>("groups", 32), r.options<GroupNormalizationOptions>());
}

}  // namespace keras::layers
