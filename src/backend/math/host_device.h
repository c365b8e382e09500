// Marks the element formulas shared by the CPU kernels and the CUDA kernels: compiled by
// nvcc they exist on both host and device, compiled by the C++ compiler they are plain
// inline functions, so both backends compute the same thing element by element.
#pragma once

#ifdef __CUDACC__
#define KERAS_HOST_DEVICE __host__ __device__
#else
#define KERAS_HOST_DEVICE
#endif
