// plan_gemm and plan_conv: the row-major Backend calls as cuBLAS and cuDNN see them.
#include <algorithm>
#include <climits>

#include "backend/cuda/plan/plans.h"
#include "keras/errors.h"

namespace keras::backend::cuda {

GemmPlan plan_gemm(int64_t m, int64_t n, int64_t k, bool trans_a, bool trans_b, int64_t a_batch_stride,
                   int64_t b_batch_stride) {
  // A row-major matrix stored r x c is, read column-major with leading dimension c, its
  // transpose. So B as stored is op(B)^T already when trans_b is false.
  GemmPlan p;
  p.trans_first = trans_b;
  p.trans_second = trans_a;
  p.m = n;
  p.n = m;
  p.k = k;
  p.ld_first = trans_b ? k : n;   // B stored k x n, or n x k when transposed
  p.ld_second = trans_a ? m : k;  // A stored m x k, or k x m when transposed
  p.ld_out = n;
  p.stride_first = b_batch_stride;
  p.stride_second = a_batch_stride;
  p.stride_out = m * n;
  // cuBLAS refuses leading dimensions of 0 even for empty matrices.
  p.ld_first = std::max<int64_t>(p.ld_first, 1);
  p.ld_second = std::max<int64_t>(p.ld_second, 1);
  p.ld_out = std::max<int64_t>(p.ld_out, 1);
  return p;
}

std::vector<int64_t> keras_to_krsc(int spatial) {
  std::vector<int64_t> perm{spatial + 1};
  for (int i = 0; i <= spatial; ++i) perm.push_back(i);
  return perm;
}

std::vector<int64_t> krsc_to_keras(int spatial) {
  std::vector<int64_t> perm;
  for (int i = 1; i <= spatial + 1; ++i) perm.push_back(i);
  perm.push_back(0);
  return perm;
}

namespace {

std::vector<int> nhwc_strides(const std::vector<int>& nchw_dims) {
  // dims are N, C, spatial...; memory order is N, spatial..., C.
  const size_t r = nchw_dims.size();
  std::vector<int> strides(r);
  strides[1] = 1;
  int64_t s = nchw_dims[1];
  for (size_t i = r - 1; i >= 2; --i) {
    strides[i] = static_cast<int>(s);
    s *= nchw_dims[i];
  }
  strides[0] = static_cast<int>(s);
  return strides;
}

int to_int(int64_t v, const char* what) {
  if (v < 0 || v > INT32_MAX)
    throw ValueError(detail::cat("CUDA convolution: ", what, " = ", v, " is out of cuDNN's range"));
  return static_cast<int>(v);
}

}  // namespace

ConvPlan plan_conv(const WindowGeometry& g) {
  if (g.spatial < 1 || g.spatial > 3) throw ValueError(detail::cat("CUDA convolution: ", g.spatial, " spatial dims"));
  if (g.groups < 1 || g.in_channels % g.groups || g.out_channels % g.groups)
    throw ValueError(detail::cat("CUDA convolution: ", g.in_channels, " input and ", g.out_channels,
                                 " output channels do not split into ", g.groups, " groups"));
  ConvPlan p;
  p.groups = static_cast<int>(g.groups);
  for (int i = 0; i < g.spatial; ++i)
    if (g.pad_before[i] != g.pad_after[i]) p.explicit_padding = true;
  // cuDNN takes at least 2 spatial dims: a 1-d convolution is a 2-d one of height 1.
  const int cudnn_spatial = std::max(g.spatial, 2);
  p.dims = cudnn_spatial + 2;
  const int lead = cudnn_spatial - g.spatial;  // leading unit dims
  std::vector<int> in(cudnn_spatial, 1), out(cudnn_spatial, 1), kernel(cudnn_spatial, 1);
  p.pad.assign(cudnn_spatial, 0);
  p.stride.assign(cudnn_spatial, 1);
  p.dilation.assign(cudnn_spatial, 1);
  for (int i = 0; i < g.spatial; ++i) {
    const int j = lead + i;
    p.pad_before[i] = g.pad_before[i];
    p.padded_in[i] = g.in[i] + (p.explicit_padding ? g.pad_before[i] + g.pad_after[i] : 0);
    in[j] = to_int(p.padded_in[i], "input size");
    out[j] = to_int(g.out[i], "output size");
    kernel[j] = to_int(g.kernel[i], "kernel size");
    p.pad[j] = p.explicit_padding ? 0 : to_int(g.pad_before[i], "padding");
    p.stride[j] = to_int(g.stride[i], "stride");
    p.dilation[j] = to_int(g.dilation[i], "dilation");
    // Guard against a geometry cuDNN would compute differently from the caller's.
    const int64_t span = g.dilation[i] * (g.kernel[i] - 1) + 1;
    const int64_t expect = (p.padded_in[i] + 2 * p.pad[j] - span) / g.stride[i] + 1;
    if (g.out[i] != expect)
      throw ValueError(detail::cat("CUDA convolution: output size ", g.out[i], " on spatial dim ", i,
                                   " does not follow from input ", g.in[i], ", kernel ", g.kernel[i], ", stride ",
                                   g.stride[i], ", dilation ", g.dilation[i], ", padding ", g.pad_before[i], "/",
                                   g.pad_after[i], " (expected ", expect, ")"));
  }
  const int batch = to_int(g.batch, "batch"), cin = to_int(g.in_channels, "input channels"),
            cout = to_int(g.out_channels, "output channels");
  p.x_dims = {batch, cin};
  p.y_dims = {batch, cout};
  p.filter_dims = {cout, cin / p.groups};
  for (int j = 0; j < cudnn_spatial; ++j) {
    p.x_dims.push_back(in[j]);
    p.y_dims.push_back(out[j]);
    p.filter_dims.push_back(kernel[j]);
  }
  p.x_strides = nhwc_strides(p.x_dims);
  p.y_strides = nhwc_strides(p.y_dims);
  return p;
}

}  // namespace keras::backend::cuda
