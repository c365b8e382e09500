#include "keras/layers/pooling/average_pooling1d.h"
#include "keras/layers/layer_config.h"

namespace keras::layers {

AveragePooling1D::AveragePooling1D(Size1 pool_size, AveragePooling1DOptions o)
    : Concrete("AveragePooling1D",
                  pooling_config(false, pool_size, o), layer_args_of(o)) {}

std::shared_ptr<Layer> AveragePooling1D::from_config(const Config& config) {
  ConfigReader r(config);
  return std::make_shared<AveragePooling1D>(r.get<Size1>("pool_size", 2), r.options<AveragePooling1DOptions>());
}

}  // namespace keras::layers
