// keras.utils: small helpers users reach for around a model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "keras/tensor/tensor.h"

namespace keras::utils {

/// Class indices -> one-hot float32 rows (keras.utils.to_categorical). num_classes
/// defaults to max(y) + 1.
Tensor to_categorical(const Tensor& y, std::optional<int64_t> num_classes = {});

/// Seeds every random draw of the library (initializers, dropout, shuffling).
void set_random_seed(uint64_t seed);

/// Resets automatic layer names ("dense", "dense_1", ...), like keras.utils.clear_session().
void clear_session();

}  // namespace keras::utils
