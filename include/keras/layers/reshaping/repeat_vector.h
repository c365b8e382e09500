// keras.layers.RepeatVector: (batch, features) -> (batch, n, features).
//   layers::RepeatVector(3);
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

using RepeatVectorOptions = LayerArgs;

class RepeatVector : public Concrete<RepeatVector> {
 public:
  using Options = RepeatVectorOptions;
  explicit RepeatVector(int64_t n, RepeatVectorOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  int64_t n() const { return n_; }

 private:
  int64_t n_;
};

}  // namespace keras::layers
