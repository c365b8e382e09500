#include "keras/layers/convolutional/conv2d.h"

#include "keras/layers/layer_config.h"

namespace keras::layers {

Conv2D::Conv2D(int64_t filters, Size2 kernel_size, Conv2DOptions o)
    : Concrete("Conv2D", standard_conv_config(filters, kernel_size, o), layer_args_of(o)), options_(std::move(o)) {}

Config Conv2D::get_config() const {
  Config c = Layer::get_config();
  c["filters"] = config().filters;
  c["kernel_size"] = config().kernel_size;
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> Conv2D::from_config(const Config& config) {
  ConfigReader r(config);
  return std::make_shared<Conv2D>(r.required<int64_t>("filters"), r.required<Size2>("kernel_size"),
                                  r.options<Conv2DOptions>());
}

}  // namespace keras::layers
