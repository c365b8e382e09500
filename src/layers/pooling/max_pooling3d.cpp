#include "keras/layers/pooling/max_pooling3d.h"

namespace keras::layers {

MaxPooling3D::MaxPooling3D(Size3 pool_size, MaxPooling3DOptions o)
    : Concrete("MaxPooling3D",
                  PoolingConfig{.rank = 3,
                                .max = true,
                                .pool_size = pool_size.vec(),
                                .strides = o.strides[0] == 0 ? std::vector<int64_t>{} : o.strides.vec(),
                                .padding = o.padding,
                                .data_format = o.data_format},
                  LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}) {}

}  // namespace keras::layers
