#include "keras/layers/convolutional/conv3d.h"

namespace keras::layers {

Conv3D::Conv3D(int64_t filters, Size3 kernel_size, Conv3DOptions o)
    : Concrete("Conv3D",
               ConvConfig{.rank = 3,
                          .filters = filters,
                          .kernel_size = kernel_size.vec(),
                          .strides = o.strides.vec(),
                          .dilation_rate = o.dilation_rate.vec(),
                          .padding = o.padding,
                          .data_format = o.data_format,
                          .groups = o.groups,
                          .activation = o.activation,
                          .use_bias = o.use_bias,
                          .kernel_initializer = o.kernel_initializer,
                          .bias_initializer = o.bias_initializer,
                          .kernel_regularizer = o.kernel_regularizer,
                          .bias_regularizer = o.bias_regularizer,
                          .activity_regularizer = o.activity_regularizer,
                          .kernel_constraint = o.kernel_constraint,
                          .bias_constraint = o.bias_constraint},
               LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}) {}

}  // namespace keras::layers
