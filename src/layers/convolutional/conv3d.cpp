#include "keras/layers/convolutional/conv3d.h"

#include "keras/layers/layer_config.h"

namespace keras::layers {

Conv3D::Conv3D(int64_t filters, Size3 kernel_size, Conv3DOptions o)
    : Concrete("Conv3D", standard_conv_config(filters, kernel_size, o), layer_args_of(o)), options_(std::move(o)) {}

Config Conv3D::get_config() const {
  Config c = Layer::get_config();
  c["filters"] = config().filters;
  c["kernel_size"] = config().kernel_size;
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> Conv3D::from_config(const Config& config) {
  ConfigReader r(config);
  return std::make_shared<Conv3D>(r.required<int64_t>("filters"), r.required<Size3>("kernel_size"),
                                  r.options<Conv3DOptions>());
}

}  // namespace keras::layers
