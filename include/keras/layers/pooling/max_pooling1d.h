// keras.layers.MaxPooling1D: the maximum over pool_size windows.
//
// Args: pool_size (2); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::MaxPooling1D();  layers::MaxPooling1D(3, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

using MaxPooling1DOptions = PoolingOptions<1>;

class MaxPooling1D : public Concrete<MaxPooling1D, BasePooling> {
 public:
  explicit MaxPooling1D(Size1 pool_size = 2, MaxPooling1DOptions options = {})
      : Concrete("MaxPooling1D", pooling_config(true, pool_size, options), layer_args_of(options)) {}
  explicit MaxPooling1D(MaxPooling1DOptions options) : MaxPooling1D(2, std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const Config& c) { return pooling_from_config<MaxPooling1D, 1>(c); }
};

}  // namespace keras::layers
