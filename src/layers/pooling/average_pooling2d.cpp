#include "keras/layers/pooling/average_pooling2d.h"
#include "keras/layers/layer_config.h"

namespace keras::layers {

AveragePooling2D::AveragePooling2D(Size2 pool_size, AveragePooling2DOptions o)
    : Concrete("AveragePooling2D",
                  pooling_config(false, pool_size, o), layer_args_of(o)) {}

std::shared_ptr<Layer> AveragePooling2D::from_config(const Config& config) {
  ConfigReader r(config);
  return std::make_shared<AveragePooling2D>(r.get<Size2>("pool_size", 2), r.options<AveragePooling2DOptions>());
}

}  // namespace keras::layers
