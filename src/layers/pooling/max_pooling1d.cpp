#include "keras/layers/pooling/max_pooling1d.h"
#include "keras/layers/layer_config.h"

namespace keras::layers {

MaxPooling1D::MaxPooling1D(Size1 pool_size, MaxPooling1DOptions o)
    : Concrete("MaxPooling1D",
                  pooling_config(true, pool_size, o), layer_args_of(o)) {}

std::shared_ptr<Layer> MaxPooling1D::from_config(const Config& config) {
  ConfigReader r(config);
  return std::make_shared<MaxPooling1D>(r.get<Size1>("pool_size", 2), r.options<MaxPooling1DOptions>());
}

}  // namespace keras::layers
