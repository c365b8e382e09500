// keras.layers.Reshape: (batch, ...) -> (batch, *target_shape); one entry may be -1.
//   layers::Reshape({3, 4});  layers::Reshape({-1, 4});
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

struct ReshapeOptions {
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DType> dtype{};
  bool trainable = true;
};

class Reshape : public Concrete<Reshape> {
 public:
  explicit Reshape(std::vector<int64_t> target_shape, ReshapeOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  const std::vector<int64_t>& target_shape() const { return target_; }

 private:
  std::vector<int64_t> target_;
};

}  // namespace keras::layers
