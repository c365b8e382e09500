#include "keras/layers/convolutional/depthwise_conv2d.h"

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
               LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}) {}

}  // namespace keras::layers
