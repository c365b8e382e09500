// Keras operations that appear as nodes of a functional graph (keras.src.ops.numpy.NotEqual,
// Any, Add, Subtract, Multiply, Divide). Keras 3 records them when a model applies an op
// to symbolic tensors: Embedding(mask_zero) and Masking leave `not_equal` / `any` nodes
// whose output feeds the next layer's `mask` argument; MobileNetV3's hard sigmoid is
// `relu6(x + 3.0) * (1 / 6)` and ConvNeXt's residual `inputs + x`. Loading such a file
// rebuilds them as these small layers (model.layers does not list them, as in Keras).
//
//   auto m = layers::NotEqual(0.0)(ids);   // bool (batch, time)
//   auto h = lstm(x, {.mask = m});
#pragma once

#include <optional>

#include "keras/layers/layer.h"

namespace keras::layers {

struct OpLayerOptions {
  std::string name{};
};

/// x != value, elementwise (bool).
class NotEqual : public Concrete<NotEqual> {
 public:
  explicit NotEqual(double value = 0.0, OpLayerOptions options = {});
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  std::vector<DType> compute_output_dtypes(const std::vector<DType>&, size_t n) override {
    return std::vector<DType>(n, DType::bool_);
  }
  bool is_operation() const override { return true; }
  double value() const { return value_; }
  void set_value(double value) { value_ = value; }

 private:
  double value_;
};

/// Whether any element along `axis` is true / non-zero (bool).
class Any : public Concrete<Any> {
 public:
  explicit Any(int64_t axis = -1, bool keepdims = false, OpLayerOptions options = {});
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  std::vector<DType> compute_output_dtypes(const std::vector<DType>&, size_t n) override {
    return std::vector<DType>(n, DType::bool_);
  }
  bool is_operation() const override { return true; }
  int64_t axis() const { return axis_; }
  bool keepdims() const { return keepdims_; }

 private:
  int64_t axis_;
  bool keepdims_;
};

/// x op y for two tensors (NumPy broadcasting) or a tensor and a number, either side
/// (keras.ops.add / subtract / multiply / divide as graph nodes). Class names as Keras's:
/// "Add", "Subtract", "Multiply", "Divide" (module keras.src.ops.numpy).
class BinaryOperation : public Concrete<BinaryOperation> {
 public:
  enum class Kind { add, subtract, multiply, divide };
  /// Two tensor operands unless a constant is set.
  explicit BinaryOperation(Kind kind, OpLayerOptions options = {});
  /// `constant` as the left operand when `constant_first` (3.0 - x), else the right (x + 3.0).
  void set_constant(double constant, bool constant_first);
  const std::optional<double>& constant() const { return constant_; }
  bool constant_first() const { return constant_first_; }
  Kind kind() const { return kind_; }

  void build(const std::vector<Shape>&) override {}  // one or two operands, no weights
  TensorList call(const TensorList& inputs, const CallContext& ctx) override;
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;
  std::vector<DType> compute_output_dtypes(const std::vector<DType>& input_dtypes, size_t n) override;
  bool is_operation() const override { return true; }
  Config get_config() const override;
  template <Kind K>
  static std::shared_ptr<Layer> from_config(const Config& config);

 private:
  Tensor apply(const Tensor& a, const Tensor& b) const;
  size_t operands() const { return constant_ ? 1 : 2; }

  Kind kind_;
  std::optional<double> constant_;
  bool constant_first_ = false;
};

}  // namespace keras::layers
