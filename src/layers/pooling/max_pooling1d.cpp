#include "keras/layers/pooling/max_pooling1d.h"

namespace keras::layers {

MaxPooling1D::MaxPooling1D(Size1 pool_size, MaxPooling1DOptions o)
    : Concrete("MaxPooling1D",
                  PoolingConfig{.rank = 1,
                                .max = true,
                                .pool_size = pool_size.vec(),
                                .strides = o.strides[0] == 0 ? std::vector<int64_t>{} : o.strides.vec(),
                                .padding = o.padding,
                                .data_format = o.data_format},
                  LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}) {}

}  // namespace keras::layers
