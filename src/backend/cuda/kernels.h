// Our own CUDA kernels, as host-callable launchers on raw device pointers: the .cu files
// (compiled by nvcc) implement them, the backend's .cpp files (the C++ compiler) check
// tensors and call them. Every launcher queues its work on `stream` and returns at once;
// none synchronises. Element formulas come from the headers in src/backend/math/, which
// the CPU kernels use too, so both backends compute the same thing element by element.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "backend/backend.h"
#include "backend/cuda/plan/plans.h"

namespace keras::backend::cuda::kernels {

// ---- memory (elementwise.cu)
/// dst[0..n) = value converted to `dtype` (any dtype but string).
void fill(void* dst, DType dtype, int64_t n, double value, cudaStream_t stream);
/// dst[i] = static_cast<dst dtype>(src[i]) for any pair of non-string dtypes (bool: != 0).
void cast(const void* src, DType src_dtype, void* dst, DType dst_dtype, int64_t n, cudaStream_t stream);

// ---- elementwise, float32 (elementwise.cu)
void unary(UnaryOp op, const UnaryParams& p, const float* x, float* y, int64_t n, cudaStream_t stream);
/// x or y may be null when the op does not need it (see unary_grad_uses_output).
void unary_backward(UnaryOp op, const UnaryParams& p, const float* x, const float* y, const float* dy, float* dx,
                    int64_t n, cudaStream_t stream);
/// out = a (op) b over the plan's walk; a and b of `dtype` (float32, int32, int64, uint8,
/// bool_, float64), out of `out_dtype` (the backend's binary decides it as the CPU backend does).
void binary(BinaryOp op, DType dtype, const void* a, const void* b, void* out, DType out_dtype,
            const BroadcastPlan& plan, cudaStream_t stream);

// ---- random numbers, float32, counter-based (math/counter_rng.h): the same numbers as the CPU
/// low, high and rate come as the Backend call gives them (double): the CPU derives the
/// span and the keep scale in double, and so must we to give the same floats.
void random_uniform(float* out, int64_t n, double low, double high, uint64_t seed, cudaStream_t stream);
void random_normal(float* out, int64_t n, float mean, float stddev, uint64_t seed, cudaStream_t stream);
void random_truncated_normal(float* out, int64_t n, float mean, float stddev, uint64_t seed, cudaStream_t stream);
void dropout_mask(float* out, int64_t n, double rate, uint64_t seed, cudaStream_t stream);

// ---- optimizer updates, float32, in place (elementwise.cu)
void sgd_update(float* var, const float* grad, float* momentum, int64_t n, float lr, float momentum_coef, bool nesterov,
                cudaStream_t stream);
/// v_hat may be null unless amsgrad.
void adam_update(float* var, const float* grad, float* m, float* v, float* v_hat, int64_t n, float alpha, float beta_1,
                 float beta_2, float epsilon, bool amsgrad, cudaStream_t stream);
/// momentum may be null when momentum_coef == 0, average_grad unless centered.
void rmsprop_update(float* var, const float* grad, float* velocity, float* momentum, float* average_grad, int64_t n,
                    float lr, float rho, float momentum_coef, float epsilon, bool centered, cudaStream_t stream);

// ---- convolution epilogue, float32, over [rows, channels] (elementwise.cu), one pass:
// y = act((conv + bias[c]) * scale[c] + shift[c] (+ y when accumulate)). bias, scale and
// shift may be null; conv may be y itself (in place) unless accumulate.
void conv_epilogue(const float* conv, float* y, int64_t rows, int64_t channels, const float* bias, const float* scale,
                   const float* shift, bool accumulate, ConvActivation activation, cudaStream_t stream);

// ---- reductions over the middle axis of [outer, reduced, inner] (reduce.cu)
/// dtype: float32, float64, int32, int64; out has outer * inner elements.
void reduce(ReduceOp op, DType dtype, const void* x, int64_t outer, int64_t reduced, int64_t inner, void* out,
            cudaStream_t stream);
/// out (int64): the index of the first maximum (NaN counts as the maximum, as the CPU's).
void argmax(const float* x, int64_t outer, int64_t reduced, int64_t inner, int64_t* out, cudaStream_t stream);
/// Softmax (or log-softmax) over the middle axis, float32.
void softmax(const float* x, int64_t outer, int64_t axis, int64_t inner, bool log, float* y, cudaStream_t stream);
void softmax_backward(const float* y, const float* dy, int64_t outer, int64_t axis, int64_t inner, bool log, float* dx,
                      cudaStream_t stream);

// ---- layout, any dtype by element size (1, 2, 4 or 8 bytes) (layout.cu)
void transpose(const void* x, void* out, int element_size, const TransposePlan& plan, cudaStream_t stream);
/// extract: out = the block of x at the plan's offset; else x goes into out there.
void copy_slab(const void* src, void* dst, int element_size, const SlabPlan& plan, bool extract, cudaStream_t stream);
/// out[i, :] = x[index[i], :], rows of `row_bytes`; index int32 or int64 (out-of-range
/// indices give zero rows: the backend checked them first where it could).
void take_rows(const void* x, int64_t rows, int64_t row_bytes, const void* index, DType index_dtype, int64_t count,
               void* out, cudaStream_t stream);
/// out[index[i], :] += src[i, :] (float32, atomics: the order of additions is not fixed).
void scatter_add_rows(const float* src, const void* index, DType index_dtype, int64_t count, int64_t row_size,
                      float* out, int64_t out_rows, cudaStream_t stream);
/// out (count x depth, `out_dtype`) = one_hot(indices of `index_dtype`); out-of-range -> zero row.
void one_hot(const void* indices, DType index_dtype, int64_t count, int64_t depth, void* out, DType out_dtype,
             cudaStream_t stream);

// ---- pooling, float32, channels-last, any padding (pool.cu)
/// Average pooling divides by the number of window elements inside the input (Keras's
/// "same" excludes padding). Max pooling: a window with nothing inside gives -inf... as
/// the CPU does (see the backend for what the reference gives).
void pool_forward(PoolKind kind, const WindowGeometry& g, const float* x, float* y, cudaStream_t stream);
/// dx from dy; max pooling re-finds each window's argmax in x (first maximum), so it
/// needs x, and sends dy there. dx is overwritten (not accumulated).
void pool_backward(PoolKind kind, const WindowGeometry& g, const float* x, const float* dy, float* dx,
                   cudaStream_t stream);

}  // namespace keras::backend::cuda::kernels
