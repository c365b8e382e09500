// cuBLAS and cuDNN, opened when the CUDA backend is first made (dlopen), not linked:
// together with cuBLASLt they are over a gigabyte of shared objects whose relocation and
// initialisers cost every process that links them ~0.3 s at start, GPU or not (the test
// suite, a program that never asks for a GPU). The CUDA runtime itself is linked (small,
// and the kernels' registration needs it). Each table holds the functions the backend
// calls, named as in the libraries' headers.
#pragma once

#include <cublas_v2.h>
#include <cudnn.h>

namespace keras::backend::cuda {

// X(name) for every function taken by its exact name; those the headers overload for
// C++ (cuBLAS's 64-bit GEMM) are declared by hand below.
// clang-format off
#define KERAS_CUBLAS_FUNCTIONS(X)  \
  X(cublasCreate_v2)               \
  X(cublasDestroy_v2)              \
  X(cublasSetStream_v2)            \
  X(cublasSetMathMode)             \
  X(cublasScalEx)                  \
  X(cublasGetStatusName)           \
  X(cublasGetStatusString)

#define KERAS_CUDNN_FUNCTIONS(X)                     \
  X(cudnnCreate)                                     \
  X(cudnnDestroy)                                    \
  X(cudnnSetStream)                                  \
  X(cudnnGetErrorString)                             \
  X(cudnnCreateTensorDescriptor)                     \
  X(cudnnDestroyTensorDescriptor)                    \
  X(cudnnSetTensorNdDescriptor)                      \
  X(cudnnCreateFilterDescriptor)                     \
  X(cudnnDestroyFilterDescriptor)                    \
  X(cudnnSetFilterNdDescriptor)                      \
  X(cudnnCreateConvolutionDescriptor)                \
  X(cudnnDestroyConvolutionDescriptor)               \
  X(cudnnSetConvolutionNdDescriptor)                 \
  X(cudnnSetConvolutionGroupCount)                   \
  X(cudnnSetConvolutionMathType)                     \
  X(cudnnGetConvolutionForwardAlgorithm_v7)          \
  X(cudnnGetConvolutionForwardWorkspaceSize)         \
  X(cudnnConvolutionForward)                         \
  X(cudnnGetConvolutionBackwardDataAlgorithm_v7)     \
  X(cudnnGetConvolutionBackwardDataWorkspaceSize)    \
  X(cudnnConvolutionBackwardData)                    \
  X(cudnnGetConvolutionBackwardFilterAlgorithm_v7)   \
  X(cudnnGetConvolutionBackwardFilterWorkspaceSize)  \
  X(cudnnConvolutionBackwardFilter)
// clang-format on

#define KERAS_DECLARE_FUNCTION(name) decltype(&::name) name = nullptr;

struct Cublas {
  KERAS_CUBLAS_FUNCTIONS(KERAS_DECLARE_FUNCTION)
  cublasStatus_t (*cublasGemmStridedBatchedEx)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int,
                                               const void*, const void*, cudaDataType, int, long long, const void*,
                                               cudaDataType, int, long long, const void*, void*, cudaDataType, int,
                                               long long, int, cublasComputeType_t, cublasGemmAlgo_t) = nullptr;
};

struct Cudnn {
  KERAS_CUDNN_FUNCTIONS(KERAS_DECLARE_FUNCTION)
};

#undef KERAS_DECLARE_FUNCTION

/// The libraries, opened on first use; throws RuntimeError naming the file (or the
/// function) that could not be loaded.
const Cublas& cublas_api();
const Cudnn& cudnn_api();

}  // namespace keras::backend::cuda
