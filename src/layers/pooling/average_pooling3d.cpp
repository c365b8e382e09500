#include "keras/layers/pooling/average_pooling3d.h"

namespace keras::layers {

AveragePooling3D::AveragePooling3D(Size3 pool_size, AveragePooling3DOptions o)
    : Concrete("AveragePooling3D",
                  PoolingConfig{.rank = 3,
                                .max = false,
                                .pool_size = pool_size.vec(),
                                .strides = o.strides[0] == 0 ? std::vector<int64_t>{} : o.strides.vec(),
                                .padding = o.padding,
                                .data_format = o.data_format},
                  LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}) {}

}  // namespace keras::layers
