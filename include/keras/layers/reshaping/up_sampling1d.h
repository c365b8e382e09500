// keras.layers.UpSampling1D (keras/src/layers/reshaping/up_sampling1d.py): repeats each
// step `size` times along the time axis, [a, b] -> [a, a, b, b] for size 2.
//
// Args: size (2): the upsampling factor, a positive integer.
// Input shape: (batch, steps, features). Output shape: (batch, steps * size, features).
//
//   auto y = layers::UpSampling1D(3)(x);  // (2, 4, 5) -> (2, 12, 5)
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

using UpSampling1DOptions = LayerArgs;

class UpSampling1D : public Concrete<UpSampling1D> {
 public:
  using Options = UpSampling1DOptions;
  explicit UpSampling1D(int64_t size = 2, UpSampling1DOptions options = {});
  explicit UpSampling1D(UpSampling1DOptions options) : UpSampling1D(2, std::move(options)) {}
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  int64_t size() const { return size_; }

 private:
  int64_t size_;
};

}  // namespace keras::layers
