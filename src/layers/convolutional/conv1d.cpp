#include "keras/layers/convolutional/conv1d.h"

#include "keras/layers/layer_config.h"

namespace keras::layers {

Conv1D::Conv1D(int64_t filters, Size1 kernel_size, Conv1DOptions o)
    : Concrete("Conv1D", standard_conv_config(filters, kernel_size, o), layer_args_of(o)), options_(std::move(o)) {}

Config Conv1D::get_config() const {
  Config c = Layer::get_config();
  c["filters"] = config().filters;
  c["kernel_size"] = config().kernel_size;
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> Conv1D::from_config(const Config& config) {
  ConfigReader r(config);
  return std::make_shared<Conv1D>(r.required<int64_t>("filters"), r.required<Size1>("kernel_size"),
                                  r.options<Conv1DOptions>());
}

}  // namespace keras::layers
