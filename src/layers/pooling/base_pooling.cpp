#include "keras/layers/pooling/base_pooling.h"
#include "keras/layers/layer_config.h"

#include "keras/layers/pooling/average_pooling1d.h"
#include "keras/layers/pooling/average_pooling2d.h"
#include "keras/layers/pooling/average_pooling3d.h"
#include "keras/layers/pooling/max_pooling1d.h"
#include "keras/layers/pooling/max_pooling2d.h"
#include "keras/layers/pooling/max_pooling3d.h"
#include "keras/ops/nn.h"

namespace keras::layers {

using keras::detail::cat;

BasePooling::BasePooling(std::string class_name, PoolingConfig c, const LayerArgs& args)
    : Layer(std::move(class_name), args), config_(std::move(c)) {
  if (config_.strides.empty()) config_.strides = config_.pool_size;
  for (int64_t v : config_.pool_size)
    if (v <= 0) fail(cat("The `pool_size` argument must be positive integers. Received pool_size=",
                         Shape(config_.pool_size).to_string()));
  for (int64_t v : config_.strides)
    if (v <= 0) fail(cat("The `strides` argument must be positive integers. Received strides=",
                         Shape(config_.strides).to_string()));
  if (config_.padding != "valid" && config_.padding != "same")
    fail(cat("Invalid value for argument `padding`: \"", config_.padding, "\". Expected \"valid\" or \"same\""));
  if (config_.data_format != "channels_last")
    fail("Only data_format=\"channels_last\" is supported; got \"" + config_.data_format + "\"");
  input_spec_.ndim = config_.rank + 2;
}

Tensor BasePooling::call(const Tensor& x, const CallContext&) {
  return config_.max ? ops::max_pool(x, config_.pool_size, config_.strides, config_.padding)
                     : ops::average_pool(x, config_.pool_size, config_.strides, config_.padding);
}

Shape BasePooling::compute_output_shape(const Shape& s) {
  if (s.rank() != config_.rank + 2)
    fail(cat("Expected an input of rank ", config_.rank + 2, ", got shape ", s.to_string()));
  Shape out = ops::window_output_shape(s, config_.pool_size, config_.strides, std::vector<int64_t>(config_.pool_size.size(), 1),
                                       config_.padding, s.back());
  for (int64_t d : out)
    if (d == 0)
      fail(cat("Computed output size would be zero for input shape ", s.to_string(), " with pool_size=",
               Shape(config_.pool_size).to_string(), " and padding=\"", config_.padding, "\""));
  return out;
}

Config BasePooling::get_config() const {
  Config c = Layer::get_config();
  c["pool_size"] = config_.pool_size;
  c["padding"] = config_.padding;
  c["strides"] = config_.strides;
  c["data_format"] = config_.data_format;
  return c;
}

template <class Leaf, size_t N>
std::shared_ptr<Layer> pooling_from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<Leaf>(r.get<SizeN<N>>("pool_size", 2), r.options<PoolingOptions<N>>());
}
template std::shared_ptr<Layer> pooling_from_config<MaxPooling1D, 1>(const Config&);
template std::shared_ptr<Layer> pooling_from_config<MaxPooling2D, 2>(const Config&);
template std::shared_ptr<Layer> pooling_from_config<MaxPooling3D, 3>(const Config&);
template std::shared_ptr<Layer> pooling_from_config<AveragePooling1D, 1>(const Config&);
template std::shared_ptr<Layer> pooling_from_config<AveragePooling2D, 2>(const Config&);
template std::shared_ptr<Layer> pooling_from_config<AveragePooling3D, 3>(const Config&);

}  // namespace keras::layers
