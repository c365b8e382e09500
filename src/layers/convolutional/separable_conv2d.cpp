#include "keras/layers/convolutional/separable_conv2d.h"
#include "keras/layers/layer_config.h"

namespace keras::layers {

SeparableConv2D::SeparableConv2D(int64_t filters, Size2 kernel_size, SeparableConv2DOptions o)
    : Concrete("SeparableConv2D",
               ConvConfig{.rank = 2,
                          .kind = ConvKind::separable,
                          .filters = filters,
                          .kernel_size = kernel_size.vec(),
                          .strides = o.strides.vec(),
                          .dilation_rate = o.dilation_rate.vec(),
                          .padding = o.padding,
                          .data_format = o.data_format,
                          .groups = 1,
                          .depth_multiplier = o.depth_multiplier,
                          .activation = o.activation,
                          .use_bias = o.use_bias,
                          .bias_initializer = o.bias_initializer,
                          .depthwise_initializer = o.depthwise_initializer,
                          .pointwise_initializer = o.pointwise_initializer,
                          .bias_regularizer = o.bias_regularizer,
                          .depthwise_regularizer = o.depthwise_regularizer,
                          .pointwise_regularizer = o.pointwise_regularizer,
                          .activity_regularizer = o.activity_regularizer,
                          .bias_constraint = o.bias_constraint,
                          .depthwise_constraint = o.depthwise_constraint,
                          .pointwise_constraint = o.pointwise_constraint},
               layer_args_of(o)),
      options_(o) {}

Config SeparableConv2D::get_config() const {
  Config c = Layer::get_config();
  c["depth_multiplier"] = options_.depth_multiplier;  // Keras's order: before filters
  c["filters"] = config().filters;
  c["kernel_size"] = config().kernel_size;
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> SeparableConv2D::from_config(const Config& config) {
  ConfigReader r(config);
  return std::make_shared<SeparableConv2D>(r.required<int64_t>("filters"), r.required<Size2>("kernel_size"),
                                           r.options<SeparableConv2DOptions>());
}

}  // namespace keras::layers
