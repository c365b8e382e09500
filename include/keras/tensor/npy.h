// NumPy .npy files (format 1.0/2.0, little-endian, C order): how users' data usually
// arrives. Reading checks every size against the file before allocating; writing goes
// to a temporary file that is renamed over the target, so a failed save never destroys
// an existing file.
#pragma once

#include <string>

#include "keras/tensor/tensor.h"

namespace keras {

/// Reads float32/float64/int32/int64/uint8/bool arrays, and unicode ('<U') and byte ('|S')
/// string arrays into DType::string tensors (UTF-8); IOError on anything else.
Tensor load_npy(const std::string& path);
/// String tensors are written as numpy's '<U' arrays (their elements must be UTF-8).
void save_npy(const std::string& path, const Tensor& tensor);

}  // namespace keras
