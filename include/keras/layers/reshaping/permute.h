// keras.layers.Permute: reorders the non-batch axes; `dims` is 1-based, as in Keras.
//   layers::Permute({2, 1});   // (batch, a, b) -> (batch, b, a)
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

using PermuteOptions = LayerArgs;

class Permute : public Concrete<Permute> {
 public:
  using Options = PermuteOptions;
  explicit Permute(std::vector<int64_t> dims, PermuteOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const std::vector<int64_t>& dims() const { return dims_; }

 private:
  std::vector<int64_t> dims_;
};

}  // namespace keras::layers
