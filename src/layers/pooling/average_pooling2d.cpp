#include "keras/layers/pooling/average_pooling2d.h"

namespace keras::layers {

AveragePooling2D::AveragePooling2D(Size2 pool_size, AveragePooling2DOptions o)
    : Concrete("AveragePooling2D",
                  PoolingConfig{.rank = 2,
                                .max = false,
                                .pool_size = pool_size.vec(),
                                .strides = o.strides[0] == 0 ? std::vector<int64_t>{} : o.strides.vec(),
                                .padding = o.padding,
                                .data_format = o.data_format},
                  LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}) {}

}  // namespace keras::layers
