// keras.layers.AveragePooling1D: the mean over pool_size windows; with "same" padding the edge
// windows average only the real cells, as Keras does.
//
// Args: pool_size (2); strides (0, the default: pool_size); padding ("valid" | "same").
//
//   layers::AveragePooling1D();  layers::AveragePooling1D(3, {.strides = 2, .padding = "same"});
#pragma once

#include "keras/layers/options.h"
#include "keras/layers/pooling/base_pooling.h"

namespace keras::layers {

using AveragePooling1DOptions = PoolingOptions<1>;

class AveragePooling1D : public Concrete<AveragePooling1D, BasePooling> {
 public:
  explicit AveragePooling1D(Size1 pool_size = 2, AveragePooling1DOptions options = {})
      : Concrete("AveragePooling1D", pooling_config(false, pool_size, options), layer_args_of(options)) {}
  explicit AveragePooling1D(AveragePooling1DOptions options) : AveragePooling1D(2, std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const Config& c) { return pooling_from_config<AveragePooling1D, 1>(c); }
};

}  // namespace keras::layers
