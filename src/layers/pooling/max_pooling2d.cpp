#include "keras/layers/pooling/max_pooling2d.h"
#include "keras/layers/layer_config.h"

namespace keras::layers {

MaxPooling2D::MaxPooling2D(Size2 pool_size, MaxPooling2DOptions o)
    : Concrete("MaxPooling2D",
                  pooling_config(true, pool_size, o), layer_args_of(o)) {}

std::shared_ptr<Layer> MaxPooling2D::from_config(const Config& config) {
  ConfigReader r(config);
  return std::make_shared<MaxPooling2D>(r.get<Size2>("pool_size", 2), r.options<MaxPooling2DOptions>());
}

}  // namespace keras::layers
