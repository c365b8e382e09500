// How a kernel call of the Backend table maps onto a CUDA grid or a library call, as
// plain arithmetic: compiled in every build (CUDA toolkit or not) so that CPU tests check
// it (tests/backend/cuda_*_test.cpp), and used by src/backend/cuda/ to launch.
// Nothing here includes a CUDA header.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "backend/backend.h"

namespace keras::backend::cuda {

/// The most dimensions a planned index walk takes (after folding).
inline constexpr int kMaxPlanRank = 8;

/// An elementwise walk over `dims` (row-major, the output's), with each input's element
/// stride per dim (0 where that input is broadcast). Adjacent dims that broadcast the
/// same way are merged, so the common cases are one or two dims.
struct BroadcastPlan {
  int rank = 0;
  std::array<int64_t, kMaxPlanRank> dims{}, a_stride{}, b_stride{};
  int64_t size = 1;  // elements of the output
};
/// Throws ValueError naming the shapes when they do not broadcast to `out` or the folded
/// walk needs more than kMaxPlanRank dims.
BroadcastPlan plan_broadcast(const Shape& a, const Shape& b, const Shape& out);

/// out = transpose(x, perm): for each output dim its size and the input's element stride.
/// Adjacent output dims that are adjacent in the input too are merged.
struct TransposePlan {
  int rank = 0;
  std::array<int64_t, kMaxPlanRank> dims{}, in_stride{};
  int64_t size = 1;
};
TransposePlan plan_transpose(const Shape& x, const std::vector<int64_t>& perm);

/// copy_slab: the small tensor's dims, its row-major strides and the big tensor's strides
/// for the same dims, and the big tensor's element offset of the block's first element.
struct SlabPlan {
  int rank = 0;
  std::array<int64_t, kMaxPlanRank> dims{}, small_stride{}, big_stride{};
  int64_t big_offset = 0;
  int64_t size = 1;  // elements of the small tensor
};
SlabPlan plan_slab(const Shape& big, const Shape& small, const std::vector<int64_t>& offsets);

/// A row-major batched product out[b] = op(A[b]) @ op(B[b]) as one column-major cuBLAS
/// strided-batched GEMM. Row-major C (m x n) is column-major C^T (n x m), and
/// C^T = op(B)^T op(A)^T, so cuBLAS is called with the operands swapped: its first
/// operand is B (transposed when trans_b), its second A.
struct GemmPlan {
  bool trans_first = false, trans_second = false;  // cuBLAS's transa, transb
  int64_t m = 0, n = 0, k = 0;                     // cuBLAS's m, n, k (= n, m, k of the call)
  int64_t ld_first = 0, ld_second = 0, ld_out = 0;
  int64_t stride_first = 0, stride_second = 0, stride_out = 0;  // elements per batch
};
GemmPlan plan_gemm(int64_t m, int64_t n, int64_t k, bool trans_a, bool trans_b, int64_t a_batch_stride,
                   int64_t b_batch_stride);

/// A channels-last convolution as cuDNN sees it: 4-d (1-2 spatial dims) or 5-d (3)
/// NHWC tensors, the filter in KRSC (out, *kernel, in/groups: the Keras kernel
/// transposed), symmetric padding. Keras's "same" padding can be one larger after than
/// before (even kernels, strides); cuDNN pads symmetrically, so then the input is padded
/// explicitly into a larger buffer (`padded_in`) and cuDNN pads nothing. 1-d
/// convolutions run as 2-d with a height of 1.
struct ConvPlan {
  int dims = 4;                     // tensor rank cuDNN gets: 4 or 5
  std::vector<int> x_dims, y_dims;  // NCHW-ordered sizes (cuDNN's convention), NHWC strides below
  std::vector<int> x_strides, y_strides;
  std::vector<int> filter_dims;            // K, C/groups, *kernel (cuDNN's order, format NHWC)
  std::vector<int> pad, stride, dilation;  // per spatial dim cuDNN gets
  int groups = 1;
  bool explicit_padding = false;               // pad x into padded_in first
  std::array<int64_t, 3> padded_in{1, 1, 1};   // spatial sizes of the padded input
  std::array<int64_t, 3> pad_before{0, 0, 0};  // where x sits inside it
};
ConvPlan plan_conv(const WindowGeometry& g);

/// The permutation from the Keras kernel (*kernel, in/groups, out) to cuDNN's KRSC
/// (out, *kernel, in/groups), and back.
std::vector<int64_t> keras_to_krsc(int spatial);
std::vector<int64_t> krsc_to_keras(int spatial);

}  // namespace keras::backend::cuda
