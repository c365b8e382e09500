// keras.layers.Dense: output = activation(dot(input, kernel) + bias), on the last axis
// of an input of any rank >= 2.
//
// Args: units (positive); activation (default linear); use_bias (true);
//   kernel_initializer ("glorot_uniform"); bias_initializer ("zeros"); kernel/bias/activity
//   regularizers and kernel/bias constraints (none).
// Input shape: (batch, ..., input_dim). Output shape: (batch, ..., units).
//
//   layers::Dense(128, "relu");
//   layers::Dense(10, {.activation = "softmax", .use_bias = false});
#pragma once

#include "keras/activations/activations.h"
#include "keras/layers/fields.h"
#include "keras/layers/layer.h"

namespace keras::layers {

struct DenseOptions {
  activations::Activation activation{};
  bool use_bias = true;
  initializers::Initializer kernel_initializer = "glorot_uniform";
  initializers::Initializer bias_initializer = "zeros";
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint bias_constraint{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = DenseOptions;
    return std::tuple{field("activation", &O::activation),
                      field("use_bias", &O::use_bias),
                      field("kernel_initializer", &O::kernel_initializer),
                      field("bias_initializer", &O::bias_initializer),
                      field("kernel_regularizer", &O::kernel_regularizer),
                      field("bias_regularizer", &O::bias_regularizer),
                      field("kernel_constraint", &O::kernel_constraint),
                      field("bias_constraint", &O::bias_constraint)};
  }
};

class Dense : public Concrete<Dense> {
 public:
  explicit Dense(int64_t units, DenseOptions options = {});
  Dense(int64_t units, activations::Activation activation, DenseOptions options = {});

  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

  int64_t units() const { return units_; }
  const DenseOptions& options() const { return options_; }
  const Variable& kernel() const { return kernel_; }
  const Variable& bias() const { return bias_; }

 private:
  int64_t units_;
  DenseOptions options_;
  Variable kernel_, bias_;
};

}  // namespace keras::layers
