#include "keras/layers/convolutional/separable_conv2d.h"

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
               LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}) {}

}  // namespace keras::layers
