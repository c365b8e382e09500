#include "keras/layers/pooling/average_pooling1d.h"

namespace keras::layers {

AveragePooling1D::AveragePooling1D(Size1 pool_size, AveragePooling1DOptions o)
    : Concrete("AveragePooling1D",
                  PoolingConfig{.rank = 1,
                                .max = false,
                                .pool_size = pool_size.vec(),
                                .strides = o.strides[0] == 0 ? std::vector<int64_t>{} : o.strides.vec(),
                                .padding = o.padding,
                                .data_format = o.data_format},
                  LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}) {}

}  // namespace keras::layers
