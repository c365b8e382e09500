#include "keras/layers/convolutional/depthwise_conv2d.h"
#include "keras/layers/layer_config.h"

namespace keras::layers {

DepthwiseConv2D::DepthwiseConv2D(Size2 kernel_size, DepthwiseConv2DOptions o)
    : Concrete("DepthwiseConv2D",
               ConvConfig{.rank = 2,
                          .kind = ConvKind::depthwise,
                          .filters = 0,
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
                          .bias_regularizer = o.bias_regularizer,
                          .depthwise_regularizer = o.depthwise_regularizer,
                          .activity_regularizer = o.activity_regularizer,
                          .bias_constraint = o.bias_constraint,
                          .depthwise_constraint = o.depthwise_constraint},
               layer_args_of(o)),
      options_(o) {}

Config DepthwiseConv2D::get_config() const {
  Config c = Layer::get_config();
  c["depth_multiplier"] = options_.depth_multiplier;  // Keras's order: before kernel_size
  c["kernel_size"] = config().kernel_size;
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> DepthwiseConv2D::from_config(const Config& config) {
  ConfigReader r(config);
  return std::make_shared<DepthwiseConv2D>(r.required<Size2>("kernel_size"), r.options<DepthwiseConv2DOptions>());
}

}  // namespace keras::layers
