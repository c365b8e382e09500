// keras.layers.Softmax: softmax along `axis` (default -1).
//   layers::Softmax();  layers::Softmax({.axis = 1});
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

struct SoftmaxOptions {
  int64_t axis = -1;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class Softmax : public Concrete<Softmax> {
 public:
  explicit Softmax(SoftmaxOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  int64_t axis() const { return o_.axis; }

 private:
  SoftmaxOptions o_;
};

}  // namespace keras::layers
