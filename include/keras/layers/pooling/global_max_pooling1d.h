// keras.layers.GlobalMaxPooling1D: the maximum over all 1-D positions, per channel.
//   layers::GlobalMaxPooling1D();  layers::GlobalMaxPooling1D({.keepdims = true});
#pragma once

#include "keras/layers/pooling/base_global_pooling.h"

namespace keras::layers {

class GlobalMaxPooling1D : public Concrete<GlobalMaxPooling1D, BaseGlobalPooling> {
 public:
  explicit GlobalMaxPooling1D(GlobalPoolingOptions options = {}) : Concrete("GlobalMaxPooling1D", 1, true, options) {}
};

}  // namespace keras::layers
