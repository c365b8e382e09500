// keras.layers.GroupNormalization (keras/src/layers/normalization/group_normalization.py):
// splits the channels (`axis`) into `groups` groups and normalizes each sample over each
// group, i.e. over the group's channels and every other non-batch axis:
//   y = (x - mean_g) / sqrt(variance_g + epsilon) * gamma + beta
// gamma and beta are per channel. groups = 1 is LayerNormalization over all non-batch
// axes with per-channel weights; groups = -1 (one channel per group) is instance
// normalization. Keras replaces -1 by the channel count when it builds, and so does this.
//
// Args: groups (32; must divide the channels); axis (-1); epsilon (1e-3); center (true:
//   beta); scale (true: gamma); beta/gamma initializers (zeros/ones), regularizers and
//   constraints.
// Weights, in Keras's order: gamma (scale), beta (center), each of shape (channels,).
// Input: (batch, ..., channels) with a known channel count. Output: the same shape.
//
//   layers::GroupNormalization(8);  layers::GroupNormalization(-1, {.epsilon = 1e-5});  // instance norm
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

struct GroupNormalizationOptions {
  int64_t axis = -1;
  double epsilon = 1e-3;
  bool center = true;
  bool scale = true;
  initializers::Initializer beta_initializer = "zeros";
  initializers::Initializer gamma_initializer = "ones";
  regularizers::Regularizer beta_regularizer{};
  regularizers::Regularizer gamma_regularizer{};
  constraints::Constraint beta_constraint{};
  constraints::Constraint gamma_constraint{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = GroupNormalizationOptions;
    return std::tuple{field_as<SingleAxis>("axis", &O::axis),
                      field("epsilon", &O::epsilon),
                      field("center", &O::center),
                      field("scale", &O::scale),
                      field("beta_initializer", &O::beta_initializer),
                      field("gamma_initializer", &O::gamma_initializer),
                      field("beta_regularizer", &O::beta_regularizer),
                      field("gamma_regularizer", &O::gamma_regularizer),
                      field("beta_constraint", &O::beta_constraint),
                      field("gamma_constraint", &O::gamma_constraint)};
  }
};

class GroupNormalization : public Concrete<GroupNormalization> {
 public:
  using Options = GroupNormalizationOptions;
  explicit GroupNormalization(int64_t groups = 32, GroupNormalizationOptions options = {});
  explicit GroupNormalization(GroupNormalizationOptions options) : GroupNormalization(32, std::move(options)) {}
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  /// The number of groups (the channel count once built with groups = -1).
  int64_t groups() const { return groups_; }
  const GroupNormalizationOptions& options() const { return o_; }

 private:
  int64_t groups_;
  GroupNormalizationOptions o_;
  int64_t axis_ = -1;  // non-negative, set by build
  Variable gamma_, beta_;
};

}  // namespace keras::layers
