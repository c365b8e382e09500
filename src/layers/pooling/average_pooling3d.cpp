#include "keras/layers/pooling/average_pooling3d.h"
#include "keras/layers/layer_config.h"

namespace keras::layers {

AveragePooling3D::AveragePooling3D(Size3 pool_size, AveragePooling3DOptions o)
    : Concrete("AveragePooling3D",
                  pooling_config(false, pool_size, o), layer_args_of(o)) {}

std::shared_ptr<Layer> AveragePooling3D::from_config(const Config& config) {
  ConfigReader r(config);
  return std::make_shared<AveragePooling3D>(r.get<Size3>("pool_size", 2), r.options<AveragePooling3DOptions>());
}

}  // namespace keras::layers
