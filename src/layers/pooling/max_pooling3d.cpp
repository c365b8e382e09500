#include "keras/layers/pooling/max_pooling3d.h"
#include "keras/layers/layer_config.h"

namespace keras::layers {

MaxPooling3D::MaxPooling3D(Size3 pool_size, MaxPooling3DOptions o)
    : Concrete("MaxPooling3D",
                  pooling_config(true, pool_size, o), layer_args_of(o)) {}

std::shared_ptr<Layer> MaxPooling3D::from_config(const Config& config) {
  ConfigReader r(config);
  return std::make_shared<MaxPooling3D>(r.get<Size3>("pool_size", 2), r.options<MaxPooling3DOptions>());
}

}  // namespace keras::layers
