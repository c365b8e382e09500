// keras.layers.Reshape: (batch, ...) -> (batch, *target_shape); one entry may be -1.
//   layers::Reshape({3, 4});  layers::Reshape({-1, 4});
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

using ReshapeOptions = LayerArgs;

class Reshape : public Concrete<Reshape> {
 public:
  using Options = ReshapeOptions;
  explicit Reshape(std::vector<int64_t> target_shape, ReshapeOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const std::vector<int64_t>& target_shape() const { return target_; }

 private:
  std::vector<int64_t> target_;
};

}  // namespace keras::layers
