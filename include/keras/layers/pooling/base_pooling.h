// What MaxPooling1D/2D/3D and AveragePooling1D/2D/3D share
// (keras/src/layers/pooling/base_pooling.py).
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

struct PoolingConfig {
  int rank = 2;
  bool max = true;  // max or average
  std::vector<int64_t> pool_size, strides;  // strides empty: = pool_size
  std::string padding = "valid";
  std::string data_format = "channels_last";
};

class BasePooling : public Layer {
 public:
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  const PoolingConfig& config() const { return config_; }

 protected:
  BasePooling(std::string class_name, PoolingConfig config, const LayerArgs& args);

 private:
  PoolingConfig config_;
};

}  // namespace keras::layers
