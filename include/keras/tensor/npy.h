// NumPy .npy files (format 1.0/2.0/3.0, either byte order, C or Fortran order): how
// users' data usually arrives. Reading checks every size against the file before
// allocating; writing goes to a temporary file that is renamed over the target, so a
// failed save never destroys an existing file.
#pragma once

#include <string>

#include "keras/tensor/tensor.h"

namespace keras {

/// Reads every numeric NumPy dtype (float16/32/64, int8/16/32/64, uint8/16/32/64, bool;
/// big-endian and Fortran-ordered arrays are converted on load, and integer types we do
/// not hold widen: int8/int16/uint16 -> int32, uint32/uint64 -> int64, where a uint64
/// above INT64_MAX is an IOError), and unicode ('<U') and byte ('|S') string arrays into
/// DType::string tensors (UTF-8); IOError on anything else. `path` may name a pipe or
/// /dev/stdin (read to the end, bounded) as well as a regular file.
Tensor load_npy(const std::string& path);
/// String tensors are written as numpy's '<U' arrays (their elements must be UTF-8).
void save_npy(const std::string& path, const Tensor& tensor);

}  // namespace keras
