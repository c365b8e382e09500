#include "keras/layers/pooling/max_pooling2d.h"

namespace keras::layers {

MaxPooling2D::MaxPooling2D(Size2 pool_size, MaxPooling2DOptions o)
    : Concrete("MaxPooling2D",
                  PoolingConfig{.rank = 2,
                                .max = true,
                                .pool_size = pool_size.vec(),
                                .strides = o.strides[0] == 0 ? std::vector<int64_t>{} : o.strides.vec(),
                                .padding = o.padding,
                                .data_format = o.data_format},
                  LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}) {}

}  // namespace keras::layers
