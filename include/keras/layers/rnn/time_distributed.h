// keras.layers.TimeDistributed (keras/src/layers/rnn/time_distributed.py): applies a
// layer to every timestep of (batch, time, ...) with the same weights. The inner layer
// sees (batch * time, ...) in one call, which gives Keras's numbers for every layer
// whose steps are independent (Dense, Conv2D, pooling, ...). The mask passes through.
//
//   layers::TimeDistributed(layers::Dense(10, "softmax"));
//   layers::TimeDistributed(layers::Conv2D(16, 3));  // on (batch, time, h, w, c)
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

using TimeDistributedOptions = LayerArgs;

class TimeDistributed : public Concrete<TimeDistributed> {
 public:
  explicit TimeDistributed(LayerHandle layer, TimeDistributedOptions options = {});

  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::vector<std::pair<std::string, std::shared_ptr<Layer>>> named_sublayers() const override {
    return {{"layer", layer_}};
  }
  const std::shared_ptr<Layer>& layer() const { return layer_; }

 private:
  std::shared_ptr<Layer> layer_;
};

}  // namespace keras::layers
