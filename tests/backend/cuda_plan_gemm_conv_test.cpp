// plan_gemm and plan_conv (src/backend/cuda/plan/), checked on the CPU in every build:
// each plan is carried out by a plain loop that reads nothing but the plan, the way
// cuBLAS or cuDNN would, and compared with the Backend call's meaning computed directly.
#include "backend/cuda/plan/plans.h"
#include "test_utils.h"

namespace keras::backend::cuda {
namespace {

std::vector<float> random_values(size_t n, uint64_t seed) {
  return testing::random_tensor(Shape{static_cast<int64_t>(n)}, seed).to_vector<float>();
}

/// cuBLAS's column-major strided-batched GEMM, as its documentation defines it.
void column_major_gemm(const GemmPlan& p, int64_t batch, const float* first, const float* second, float* out) {
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < p.m; ++i)
      for (int64_t j = 0; j < p.n; ++j) {
        double sum = 0;
        for (int64_t l = 0; l < p.k; ++l) {
          const float f = p.trans_first ? first[b * p.stride_first + l + i * p.ld_first]
                                        : first[b * p.stride_first + i + l * p.ld_first];
          const float s = p.trans_second ? second[b * p.stride_second + j + l * p.ld_second]
                                         : second[b * p.stride_second + l + j * p.ld_second];
          sum += static_cast<double>(f) * s;
        }
        out[b * p.stride_out + i + j * p.ld_out] = static_cast<float>(sum);
      }
}

TEST(CudaPlanGemm, TheSwappedColumnMajorCallComputesTheRowMajorProduct) {
  const int64_t m = 3, n = 5, k = 4;
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (int64_t batch : {1, 3})
        for (bool broadcast_b : {false, true}) {
          SCOPED_TRACE(detail::cat("trans_a ", ta, " trans_b ", tb, " batch ", batch, " broadcast_b ", broadcast_b));
          const int64_t sa = m * k, sb = broadcast_b ? 0 : k * n;
          const auto a = random_values(static_cast<size_t>(batch * sa), 1);
          const auto b = random_values(static_cast<size_t>(std::max<int64_t>(batch * sb, k * n)), 2);
          std::vector<float> want(static_cast<size_t>(batch * m * n)), got(want.size(), -7.f);
          for (int64_t bi = 0; bi < batch; ++bi)
            for (int64_t i = 0; i < m; ++i)
              for (int64_t j = 0; j < n; ++j) {
                double sum = 0;
                for (int64_t l = 0; l < k; ++l) {
                  const float av = ta ? a[bi * sa + l * m + i] : a[bi * sa + i * k + l];
                  const float bv = tb ? b[bi * sb + j * k + l] : b[bi * sb + l * n + j];
                  sum += static_cast<double>(av) * bv;
                }
                want[bi * m * n + i * n + j] = static_cast<float>(sum);
              }
          const GemmPlan p = plan_gemm(m, n, k, ta, tb, sa, sb);
          EXPECT_EQ(p.m, n);
          EXPECT_EQ(p.n, m);
          column_major_gemm(p, batch, b.data(), a.data(), got.data());
          for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-5) << i;
        }
}

TEST(CudaPlanGemm, LeadingDimensionsAreNeverZero) {
  const GemmPlan p = plan_gemm(0, 0, 0, false, false, 0, 0);
  EXPECT_GE(p.ld_first, 1);
  EXPECT_GE(p.ld_second, 1);
  EXPECT_GE(p.ld_out, 1);
}

/// Keras's convolution from the geometry alone: channels-last x, kernel (*k, in/g, out).
std::vector<float> keras_conv(const WindowGeometry& g, const std::vector<float>& x, const std::vector<float>& w) {
  const int64_t cin_g = g.in_channels / g.groups, cout_g = g.out_channels / g.groups;
  const int64_t out_pos = g.out[0] * g.out[1] * g.out[2];
  std::vector<float> y(static_cast<size_t>(g.batch * out_pos * g.out_channels));
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t o0 = 0; o0 < g.out[0]; ++o0)
      for (int64_t o1 = 0; o1 < g.out[1]; ++o1)
        for (int64_t o2 = 0; o2 < g.out[2]; ++o2)
          for (int64_t co = 0; co < g.out_channels; ++co) {
            const int64_t grp = co / cout_g;
            double sum = 0;
            for (int64_t k0 = 0; k0 < g.kernel[0]; ++k0)
              for (int64_t k1 = 0; k1 < g.kernel[1]; ++k1)
                for (int64_t k2 = 0; k2 < g.kernel[2]; ++k2) {
                  const int64_t i0 = o0 * g.stride[0] + k0 * g.dilation[0] - g.pad_before[0];
                  const int64_t i1 = o1 * g.stride[1] + k1 * g.dilation[1] - g.pad_before[1];
                  const int64_t i2 = o2 * g.stride[2] + k2 * g.dilation[2] - g.pad_before[2];
                  if (i0 < 0 || i0 >= g.in[0] || i1 < 0 || i1 >= g.in[1] || i2 < 0 || i2 >= g.in[2]) continue;
                  for (int64_t c = 0; c < cin_g; ++c) {
                    const int64_t ci = grp * cin_g + c;
                    const float xv = x[(((n * g.in[0] + i0) * g.in[1] + i1) * g.in[2] + i2) * g.in_channels + ci];
                    const float wv =
                        w[(((k0 * g.kernel[1] + k1) * g.kernel[2] + k2) * cin_g + c) * g.out_channels + co];
                    sum += static_cast<double>(xv) * wv;
                  }
                }
            y[(((n * g.out[0] + o0) * g.out[1] + o1) * g.out[2] + o2) * g.out_channels + co] = static_cast<float>(sum);
          }
  return y;
}

/// The same convolution carried out from the plan only, as cuDNN would: the input
/// zero-padded first when the plan says so, tensors addressed through the NCHW-ordered
/// dims and NHWC strides, the filter in KRSC (the Keras kernel permuted by keras_to_krsc).
std::vector<float> planned_conv(const WindowGeometry& g, const ConvPlan& p, const std::vector<float>& x,
                                const std::vector<float>& w) {
  // The input cuDNN reads: x, or x inside a zero buffer of the padded size.
  std::vector<float> xin = x;
  if (p.explicit_padding) {
    xin.assign(static_cast<size_t>(g.batch * p.padded_in[0] * p.padded_in[1] * p.padded_in[2] * g.in_channels), 0.f);
    for (int64_t n = 0; n < g.batch; ++n)
      for (int64_t a = 0; a < g.in[0]; ++a)
        for (int64_t b = 0; b < g.in[1]; ++b)
          for (int64_t c = 0; c < g.in[2]; ++c)
            for (int64_t ch = 0; ch < g.in_channels; ++ch)
              xin[(((n * p.padded_in[0] + a + p.pad_before[0]) * p.padded_in[1] + b + p.pad_before[1]) *
                       p.padded_in[2] +
                   c + p.pad_before[2]) *
                      g.in_channels +
                  ch] = x[(((n * g.in[0] + a) * g.in[1] + b) * g.in[2] + c) * g.in_channels + ch];
  }
  // The filter in KRSC through the permutation (out.shape[i] = kernel.shape[perm[i]]).
  Shape kshape;
  for (int i = 0; i < g.spatial; ++i) kshape.push_back(g.kernel[i]);
  kshape.push_back(g.in_channels / g.groups);
  kshape.push_back(g.out_channels);
  const Tensor keras_w = Tensor::from_vector(w, kshape);
  const Tensor krsc = ops::transpose(keras_w, keras_to_krsc(g.spatial));
  const std::vector<float> f = krsc.to_vector<float>();
  // Walk cuDNN's view: spatial dims are those after N and C in the dims arrays.
  const int sp = p.dims - 2;
  std::array<int64_t, 3> xd{1, 1, 1}, yd{1, 1, 1}, kd{1, 1, 1}, xs{0, 0, 0}, ys{0, 0, 0};
  for (int i = 0; i < sp; ++i) {
    xd[i] = p.x_dims[2 + i], yd[i] = p.y_dims[2 + i], kd[i] = p.filter_dims[2 + i];
    xs[i] = p.x_strides[2 + i], ys[i] = p.y_strides[2 + i];
  }
  const int64_t cin_g = p.filter_dims[1], cout_g = p.filter_dims[0] / p.groups;
  std::vector<float> y(static_cast<size_t>(p.y_dims[0]) * p.y_strides[0]);
  for (int64_t n = 0; n < p.y_dims[0]; ++n)
    for (int64_t o0 = 0; o0 < yd[0]; ++o0)
      for (int64_t o1 = 0; o1 < yd[1]; ++o1)
        for (int64_t o2 = 0; o2 < yd[2]; ++o2)
          for (int64_t k = 0; k < p.y_dims[1]; ++k) {
            double sum = 0;
            for (int64_t r0 = 0; r0 < kd[0]; ++r0)
              for (int64_t r1 = 0; r1 < kd[1]; ++r1)
                for (int64_t r2 = 0; r2 < kd[2]; ++r2) {
                  const int64_t r[3] = {r0, r1, r2}, o[3] = {o0, o1, o2};
                  int64_t at[3];
                  bool inside = true;
                  for (int i = 0; i < 3; ++i) {
                    const bool planned = i < sp;
                    at[i] = planned ? o[i] * p.stride[i] + r[i] * p.dilation[i] - p.pad[i] : 0;
                    inside = inside && at[i] >= 0 && at[i] < xd[i];
                  }
                  if (!inside) continue;
                  for (int64_t c = 0; c < cin_g; ++c) {
                    const int64_t ci = (k / cout_g) * cin_g + c;
                    const float xv =
                        xin[n * p.x_strides[0] + at[0] * xs[0] + at[1] * xs[1] + at[2] * xs[2] + ci * p.x_strides[1]];
                    const float wv = f[((k * kd[0] + r0) * kd[1] + r1) * kd[2] * cin_g + r2 * cin_g + c];
                    sum += static_cast<double>(xv) * wv;
                  }
                }
            y[n * p.y_strides[0] + o0 * ys[0] + o1 * ys[1] + o2 * ys[2] + k * p.y_strides[1]] = static_cast<float>(sum);
          }
  return y;
}

WindowGeometry geometry(int spatial, std::array<int64_t, 3> in, std::array<int64_t, 3> kernel,
                        std::array<int64_t, 3> stride, std::array<int64_t, 3> dilation, bool same, int64_t cin,
                        int64_t cout, int64_t groups) {
  WindowGeometry g;
  g.spatial = spatial;
  g.batch = 2;
  g.in_channels = cin;
  g.out_channels = cout;
  g.groups = groups;
  for (int i = 0; i < spatial; ++i) {
    g.in[i] = in[i], g.kernel[i] = kernel[i], g.stride[i] = stride[i], g.dilation[i] = dilation[i];
    const int64_t span = dilation[i] * (kernel[i] - 1) + 1;
    if (same) {  // Keras's "same": out = ceil(in / stride), the extra padding after
      g.out[i] = (in[i] + stride[i] - 1) / stride[i];
      const int64_t total = std::max<int64_t>((g.out[i] - 1) * stride[i] + span - in[i], 0);
      g.pad_before[i] = total / 2;
      g.pad_after[i] = total - total / 2;
    } else {
      g.out[i] = (in[i] - span) / stride[i] + 1;
    }
  }
  return g;
}

TEST(CudaPlanConv, ThePlannedCallComputesKerasConvolution) {
  struct Case {
    const char* what;
    WindowGeometry g;
    bool explicit_padding;
  };
  const std::vector<Case> cases = {
      {"2-d valid", geometry(2, {7, 6, 1}, {3, 2, 1}, {1, 1, 1}, {1, 1, 1}, false, 3, 4, 1), false},
      {"2-d same odd kernel (symmetric)", geometry(2, {6, 5, 1}, {3, 3, 1}, {1, 1, 1}, {1, 1, 1}, true, 2, 3, 1),
       false},
      {"2-d same stride 2 (one more after)", geometry(2, {8, 7, 1}, {3, 3, 1}, {2, 2, 1}, {1, 1, 1}, true, 3, 2, 1),
       true},
      {"2-d same even kernel", geometry(2, {5, 5, 1}, {2, 4, 1}, {1, 1, 1}, {1, 1, 1}, true, 2, 2, 1), true},
      {"2-d dilated", geometry(2, {9, 8, 1}, {3, 2, 1}, {1, 2, 1}, {2, 3, 1}, false, 2, 3, 1), false},
      {"2-d grouped", geometry(2, {5, 6, 1}, {3, 3, 1}, {1, 1, 1}, {1, 1, 1}, true, 4, 6, 2), false},
      {"2-d depthwise", geometry(2, {6, 6, 1}, {3, 3, 1}, {2, 1, 1}, {1, 1, 1}, true, 3, 3, 3), true},
      {"1-d same stride 2", geometry(1, {9, 1, 1}, {4, 1, 1}, {2, 1, 1}, {1, 1, 1}, true, 3, 2, 1), true},
      {"1-d valid dilated", geometry(1, {11, 1, 1}, {3, 1, 1}, {1, 1, 1}, {2, 1, 1}, false, 2, 2, 1), false},
      {"3-d same", geometry(3, {4, 5, 3}, {2, 3, 3}, {1, 2, 1}, {1, 1, 1}, true, 2, 3, 1), true},
  };
  uint64_t seed = 10;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const WindowGeometry& g = c.g;
    const ConvPlan p = plan_conv(g);
    EXPECT_EQ(p.explicit_padding, c.explicit_padding);
    EXPECT_EQ(p.dims, std::max(g.spatial, 2) + 2);
    EXPECT_EQ(p.groups, g.groups);
    const auto x = random_values(static_cast<size_t>(g.batch * g.in[0] * g.in[1] * g.in[2] * g.in_channels), ++seed);
    const auto w = random_values(
        static_cast<size_t>(g.kernel[0] * g.kernel[1] * g.kernel[2] * (g.in_channels / g.groups) * g.out_channels),
        ++seed);
    const auto want = keras_conv(g, x, w);
    const auto got = planned_conv(g, p, x, w);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-5) << i;
  }
}

TEST(CudaPlanConv, KernelPermutationsAreInverse) {
  for (int s = 1; s <= 3; ++s) {
    const auto to = keras_to_krsc(s), back = krsc_to_keras(s);
    ASSERT_EQ(to.size(), static_cast<size_t>(s + 2));
    EXPECT_EQ(to.front(), s + 1);  // out channels first
    for (size_t i = 0; i < to.size(); ++i) EXPECT_EQ(to[static_cast<size_t>(back[i])], static_cast<int64_t>(i));
  }
}

TEST(CudaPlanConv, AGeometryThatDoesNotAddUpIsRefused) {
  WindowGeometry g = geometry(2, {7, 6, 1}, {3, 3, 1}, {1, 1, 1}, {1, 1, 1}, false, 2, 2, 1);
  g.out[0] += 1;
  testing::expect_error<ValueError>([&] { plan_conv(g); }, {"output size 6", "expected 5"});
  WindowGeometry bad_groups = geometry(2, {5, 5, 1}, {3, 3, 1}, {1, 1, 1}, {1, 1, 1}, true, 3, 4, 2);
  testing::expect_error<ValueError>([&] { plan_conv(bad_groups); }, {"groups"});
}

}  // namespace
}  // namespace keras::backend::cuda
