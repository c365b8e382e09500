// keras.layers.LayerNormalization (keras/src/layers/normalization/layer_normalization.py):
// normalizes each sample over `axis`, independently of the batch:
//   y = (x - mean) / sqrt(variance + epsilon) * gamma + beta
// with mean and (biased) variance over the axes in `axis`; gamma and beta span those axes.
// rms_scaling (deprecated in Keras 3.15, kept for its files): y = x / sqrt(variance + epsilon)
// * gamma, no mean subtracted and no beta (use RMSNormalization for x / rms(x)).
//
// Args: axis (-1; an int or a list); epsilon (1e-3); center (true: beta); scale (true:
//   gamma); rms_scaling (false); beta/gamma initializers (zeros/ones), regularizers and
//   constraints. Once built, `axis` is a sorted list, as Keras writes it.
// Weights, in Keras's order: gamma (scale or rms_scaling), beta (center and not
//   rms_scaling), each of the shape of the normalized axes.
// Input: any shape with known sizes on `axis`. Output: the same shape.
//
//   layers::LayerNormalization();  layers::LayerNormalization({.axis = {1, 2}, .epsilon = 1e-6});
#pragma once

#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

struct LayerNormalizationOptions {
  Axes axis = -1;
  double epsilon = 1e-3;
  bool center = true;
  bool scale = true;
  bool rms_scaling = false;
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
    using O = LayerNormalizationOptions;
    return std::tuple{field("axis", &O::axis),
                      field("epsilon", &O::epsilon),
                      field("center", &O::center),
                      field("scale", &O::scale),
                      field("rms_scaling", &O::rms_scaling),
                      field("beta_initializer", &O::beta_initializer),
                      field("gamma_initializer", &O::gamma_initializer),
                      field("beta_regularizer", &O::beta_regularizer),
                      field("gamma_regularizer", &O::gamma_regularizer),
                      field("beta_constraint", &O::beta_constraint),
                      field("gamma_constraint", &O::gamma_constraint)};
  }
};

class LayerNormalization : public Concrete<LayerNormalization> {
 public:
  using Options = LayerNormalizationOptions;
  explicit LayerNormalization(LayerNormalizationOptions options = {});
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const LayerNormalizationOptions& options() const { return o_; }

 private:
  LayerNormalizationOptions o_;
  std::vector<int64_t> axes_;  // non-negative, sorted, set by build
  Variable gamma_, beta_;
};

}  // namespace keras::layers
