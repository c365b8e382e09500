// Keras operations that appear as nodes of a functional graph (keras.src.ops.numpy.NotEqual
// and Any). Keras 3 records them when a layer computes a mask from symbolic tensors:
// Embedding(mask_zero) and Masking leave `not_equal` / `any` nodes whose output feeds the
// next layer's `mask` argument. Loading such a file rebuilds them as these small layers.
//
//   auto m = layers::NotEqual(0.0)(ids);   // bool (batch, time)
//   auto h = lstm(x, {.mask = m});
#pragma once

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

}  // namespace keras::layers
