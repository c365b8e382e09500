// keras.layers.EinsumDense (keras/src/layers/core/einsum_dense.py): a dense layer whose
// contraction is an einsum equation between the input and the kernel,
//   output = activation(einsum(equation, input, kernel) + bias).
//
// Args: equation ("ab,bc->ac", "...b,bc->...c", "abc,cde->abde": input term, kernel
//   term, output term; "..." at the start of the input and output, or at the end of a
//   term of at least two letters); output_shape (the output without the batch axis,
//   kNone for axes taken from the input; an int for one axis); activation (linear);
//   bias_axes (output labels that get a bias, "" for none); kernel/bias initializers,
//   regularizers and constraints as Dense. LoRA and quantization are refused.
// Input shape: the rank the equation gives. Output shape: (batch, *output_shape), the
//   elided axes filled from the input.
//
//   layers::EinsumDense("abc,cde->abde", Shape{kNone, 2, 3}, {.bias_axes = "de"});
#pragma once

#include <optional>

#include "keras/activations/activations.h"
#include "keras/layers/fields.h"
#include "keras/layers/layer.h"

namespace keras::layers {

struct EinsumDenseOptions {
  activations::Activation activation{};
  std::optional<std::string> bias_axes{};
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
    using O = EinsumDenseOptions;
    return std::tuple{field("activation", &O::activation),
                      field("bias_axes", &O::bias_axes),
                      field("kernel_initializer", &O::kernel_initializer),
                      field("bias_initializer", &O::bias_initializer),
                      field("kernel_regularizer", &O::kernel_regularizer),
                      field("bias_regularizer", &O::bias_regularizer),
                      field("activity_regularizer", &O::activity_regularizer),
                      field("kernel_constraint", &O::kernel_constraint),
                      field("bias_constraint", &O::bias_constraint)};
  }
};

/// What an equation gives for one input shape (Keras's _analyze_einsum_string).
struct EinsumDenseShapes {
  Shape kernel;
  std::optional<Shape> bias;
  Shape output;
};

class EinsumDense : public Concrete<EinsumDense> {
 public:
  using Options = EinsumDenseOptions;
  EinsumDense(std::string equation, Shape output_shape, EinsumDenseOptions options = {});
  EinsumDense(std::string equation, int64_t output_dim, EinsumDenseOptions options = {})
      : EinsumDense(std::move(equation), Shape{output_dim}, std::move(options)) {}

  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

  /// Kernel, bias and output shapes for an input shape; ValueError naming the layer when
  /// the equation and shapes do not fit.
  EinsumDenseShapes analyze(const Shape& input_shape) const;

  const std::string& equation() const { return equation_; }
  const Shape& partial_output_shape() const { return output_shape_; }
  const EinsumDenseOptions& options() const { return options_; }
  const Variable& kernel() const { return kernel_; }
  const Variable& bias() const { return bias_; }

 private:
  std::string equation_;
  Shape output_shape_;
  EinsumDenseOptions options_;
  Variable kernel_, bias_;
};

}  // namespace keras::layers
