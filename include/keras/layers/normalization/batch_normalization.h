// keras.layers.BatchNormalization: normalizes over the batch (and every axis but `axis`).
// In training it uses the batch's mean and (biased) variance and updates the moving
// statistics: moving = moving * momentum + batch * (1 - momentum). At inference (and
// whenever the layer is not trainable) it uses the moving statistics.
//   y = gamma * (x - mean) / sqrt(variance + epsilon) + beta
//
// Args: axis (-1); momentum (0.99); epsilon (1e-3); center (true: beta); scale (true:
//   gamma); beta/gamma/moving_mean/moving_variance initializers (zeros/ones/zeros/ones);
//   synchronized (false: under data parallelism, each process's own batch statistics).
// Weights, in Keras's order: gamma, beta, moving_mean, moving_variance (the last two
// non-trainable).
//
//   layers::BatchNormalization();  layers::BatchNormalization({.axis = 1, .momentum = 0.9});
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

struct BatchNormalizationOptions {
  int64_t axis = -1;
  double momentum = 0.99;
  double epsilon = 1e-3;
  bool center = true;
  bool scale = true;
  initializers::Initializer beta_initializer = "zeros";
  initializers::Initializer gamma_initializer = "ones";
  initializers::Initializer moving_mean_initializer = "zeros";
  initializers::Initializer moving_variance_initializer = "ones";
  regularizers::Regularizer beta_regularizer{};
  regularizers::Regularizer gamma_regularizer{};
  constraints::Constraint beta_constraint{};
  constraints::Constraint gamma_constraint{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  /// Keras's `synchronized`: in training under data parallelism (several processes,
  /// keras::distribution), the batch statistics are the global batch's (summed over the
  /// processes, forward and backward) rather than each process's own rows'. Exactly one
  /// process's numbers when the processes compute equal shares of each batch.
  bool synchronized = false;
  bool trainable = true;

  static constexpr auto fields() {
    using O = BatchNormalizationOptions;
    return std::tuple{field_as<SingleAxis>("axis", &O::axis),
                      field("momentum", &O::momentum),
                      field("epsilon", &O::epsilon),
                      field("center", &O::center),
                      field("scale", &O::scale),
                      field("beta_initializer", &O::beta_initializer),
                      field("gamma_initializer", &O::gamma_initializer),
                      field("moving_mean_initializer", &O::moving_mean_initializer),
                      field("moving_variance_initializer", &O::moving_variance_initializer),
                      field("beta_regularizer", &O::beta_regularizer),
                      field("gamma_regularizer", &O::gamma_regularizer),
                      field("beta_constraint", &O::beta_constraint),
                      field("gamma_constraint", &O::gamma_constraint),
                      field("synchronized", &O::synchronized)};
  }
};

class BatchNormalization : public Concrete<BatchNormalization> {
 public:
  explicit BatchNormalization(BatchNormalizationOptions options = {});
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const BatchNormalizationOptions& options() const { return o_; }
  /// Changes the moving-average momentum, as `layer.momentum = 0.9` does in Keras: the
  /// next training step uses it and get_config() reports it. ValueError outside [0, 1].
  void set_momentum(double momentum);
  const Variable& moving_mean() const { return moving_mean_; }
  const Variable& moving_variance() const { return moving_variance_; }

 private:
  BatchNormalizationOptions o_;
  int64_t axis_ = -1;  // normalised against the input rank at build
  Variable gamma_, beta_, moving_mean_, moving_variance_;
};

}  // namespace keras::layers
