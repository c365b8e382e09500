// The checks every CudaBackend kernel makes before it queues work: on a GPU a tensor on
// the wrong device or of the wrong size would not fail, it would corrupt memory. They
// throw what the CPU backend throws for the same mistake (TypeError for a dtype,
// ValueError otherwise), naming the kernel and the operand.
#pragma once

#include "keras/errors.h"
#include "keras/tensor/tensor.h"

namespace keras::backend::cuda {

inline void require_on_device(const Tensor& t, const char* kernel, const char* name) {
  if (t.device().type != DeviceType::cuda)
    throw ValueError(detail::cat(kernel, ": ", name, " is on ", t.device().to_string(),
                                 "; the CUDA backend runs on CUDA tensors only"));
}

inline void require_size(const Tensor& t, int64_t size, const char* kernel, const char* name) {
  if (t.size() != size)
    throw ValueError(detail::cat(kernel, ": ", name, " has ", t.size(), " elements (shape ", t.shape().to_string(),
                                 "), expected ", size));
}

inline void require_dtype(const Tensor& t, DType dtype, const char* kernel, const char* name) {
  if (t.dtype() != dtype)
    throw TypeError(
        detail::cat(kernel, ": ", name, " has dtype ", dtype_name(t.dtype()), ", expected ", dtype_name(dtype)));
}

/// The device memory of a float32 CUDA tensor of `size` elements.
inline float* float32_data(const Tensor& t, int64_t size, const char* kernel, const char* name) {
  require_on_device(t, kernel, name);
  if (t.dtype() != DType::float32)
    throw TypeError(detail::cat(kernel, ": ", name, " has dtype ", dtype_name(t.dtype()),
                                "; the CUDA backend runs this kernel on float32 only"));
  require_size(t, size, kernel, name);
  return static_cast<float*>(t.raw_data());
}

/// float32_data, or null for an undefined tensor (an optional operand or slot).
inline float* optional_float32_data(const Tensor& t, int64_t size, const char* kernel, const char* name) {
  return t.defined() ? float32_data(t, size, kernel, name) : nullptr;
}

}  // namespace keras::backend::cuda
