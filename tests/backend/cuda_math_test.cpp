// What the CUDA elementwise kernels compute, checked without a GPU: plan_broadcast
// (src/backend/cuda/plan/broadcast.cpp) is walked on the host as the binary kernel walks
// it and compared with a naive broadcast, and the shared element formulas
// (src/backend/math/), which the CPU kernels and the CUDA kernels both call, are checked
// against finite differences and a few exact cases.
#include <array>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "backend/cuda/plan/plans.h"
#include "backend/math/binary_math.h"
#include "backend/math/unary_math.h"
#include "test_utils.h"

namespace keras::backend::cuda {
namespace {

std::vector<int64_t> dims_of(const BroadcastPlan& plan) { return {plan.dims.begin(), plan.dims.begin() + plan.rank}; }
std::vector<int64_t> a_strides_of(const BroadcastPlan& plan) {
  return {plan.a_stride.begin(), plan.a_stride.begin() + plan.rank};
}
std::vector<int64_t> b_strides_of(const BroadcastPlan& plan) {
  return {plan.b_stride.begin(), plan.b_stride.begin() + plan.rank};
}

std::vector<float> random_values(int64_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = dist(gen);
  return v;
}

/// out = a - 3 b by NumPy's rule, one full multi-index at a time (an op that is not
/// symmetric, so swapped operands show).
std::vector<float> naive_broadcast(const std::vector<float>& a, const Shape& as, const std::vector<float>& b,
                                   const Shape& bs, const Shape& out) {
  std::vector<float> result(static_cast<size_t>(out.num_elements()));
  // Flat index into `shape` (right-aligned with the output) of the output multi-index `idx`.
  auto offset = [&](const std::vector<int64_t>& idx, const Shape& shape) {
    const size_t lead = out.size() - shape.size();
    int64_t off = 0;
    for (size_t i = 0; i < shape.size(); ++i) off = off * shape[i] + (shape[i] == 1 ? 0 : idx[lead + i]);
    return static_cast<size_t>(off);
  };
  for (int64_t flat = 0; flat < out.num_elements(); ++flat) {
    std::vector<int64_t> idx(out.size());
    int64_t rem = flat;
    for (size_t i = out.size(); i-- > 0;) {
      idx[i] = rem % out[i];
      rem /= out[i];
    }
    result[static_cast<size_t>(flat)] = a[offset(idx, as)] - 3.f * b[offset(idx, bs)];
  }
  return result;
}

/// What the binary kernel does with the plan: output element i, its index over the
/// plan's dims from the innermost, dotted with each operand's strides.
std::vector<float> walk_broadcast(const std::vector<float>& a, const std::vector<float>& b, const BroadcastPlan& plan) {
  std::vector<float> result(static_cast<size_t>(plan.size));
  for (int64_t i = 0; i < plan.size; ++i) {
    int64_t rem = i, a_offset = 0, b_offset = 0;
    for (int d = plan.rank; d-- > 0;) {
      const auto k = static_cast<size_t>(d);
      const int64_t index = rem % plan.dims[k];
      rem /= plan.dims[k];
      a_offset += index * plan.a_stride[k];
      b_offset += index * plan.b_stride[k];
    }
    result[static_cast<size_t>(i)] = a[static_cast<size_t>(a_offset)] - 3.f * b[static_cast<size_t>(b_offset)];
  }
  return result;
}

struct BroadcastCase {
  Shape a, b, out;
  std::vector<int64_t> dims, a_stride, b_stride;
};

TEST(CudaBroadcastPlan, FoldsDimsAsTheCpuKernelDoes) {
  const std::vector<BroadcastCase> cases = {
      {{2, 3, 4}, {2, 3, 4}, {2, 3, 4}, {24}, {1}, {1}},                    // same shape: one flat dim
      {{2, 3}, {}, {2, 3}, {6}, {1}, {0}},                                  // a scalar
      {{}, {2, 3}, {2, 3}, {6}, {0}, {1}},                                  // a scalar first
      {{4, 5, 6}, {6}, {4, 5, 6}, {20, 6}, {6, 1}, {0, 1}},                 // a bias over the last axis
      {{2, 3, 4}, {2, 1, 4}, {2, 3, 4}, {2, 3, 4}, {12, 4, 1}, {4, 0, 1}},  // broadcast in the middle
      {{3, 1}, {1, 4}, {3, 4}, {3, 4}, {1, 0}, {0, 1}},                     // both sides broadcast
      {{5}, {3, 5}, {3, 5}, {3, 5}, {0, 1}, {5, 1}},                        // a shorter operand
      {{1, 3, 1, 4}, {1, 1, 1, 4}, {1, 3, 1, 4}, {3, 4}, {4, 1}, {0, 1}},   // size-1 output dims dropped
      {{1, 1}, {1}, {1, 1}, {1}, {0}, {0}},                                 // only size-1 dims
      {{2, 1}, {1, 1}, {2, 3}, {2, 3}, {1, 0}, {0, 0}},                     // both broadcast into a larger output
      {{0, 3}, {3}, {0, 3}, {0, 3}, {3, 1}, {0, 1}},                        // an empty output
  };
  for (const auto& c : cases) {
    const std::string what = c.a.to_string() + " x " + c.b.to_string() + " -> " + c.out.to_string();
    const BroadcastPlan plan = plan_broadcast(c.a, c.b, c.out);
    EXPECT_EQ(dims_of(plan), c.dims) << what;
    EXPECT_EQ(a_strides_of(plan), c.a_stride) << what;
    EXPECT_EQ(b_strides_of(plan), c.b_stride) << what;
    EXPECT_EQ(plan.size, c.out.num_elements()) << what;
  }
}

TEST(CudaBroadcastPlan, WalkReproducesANaiveBroadcast) {
  const std::vector<std::array<Shape, 3>> cases = {
      {Shape{2, 3, 4}, Shape{2, 3, 4}, Shape{2, 3, 4}},
      {Shape{2, 3}, Shape{}, Shape{2, 3}},
      {Shape{4, 5, 6}, Shape{6}, Shape{4, 5, 6}},
      {Shape{2, 3, 4}, Shape{2, 1, 4}, Shape{2, 3, 4}},
      {Shape{3, 1}, Shape{1, 4}, Shape{3, 4}},
      {Shape{1, 3, 1, 4}, Shape{1, 1, 1, 4}, Shape{1, 3, 1, 4}},
      {Shape{2, 1, 3, 1, 5}, Shape{4, 1, 1, 5}, Shape{2, 4, 3, 1, 5}},
      {Shape{6, 1, 2, 1, 3, 1, 2}, Shape{1, 5, 1, 4, 1, 2, 1}, Shape{6, 5, 2, 4, 3, 2, 2}},  // seven dims, none merged
      {Shape{1, 1}, Shape{1}, Shape{1, 1}},
  };
  uint32_t seed = 1;
  for (const auto& [as, bs, os] : cases) {
    const std::string what = as.to_string() + " x " + bs.to_string() + " -> " + os.to_string();
    const auto a = random_values(as.num_elements(), seed++), b = random_values(bs.num_elements(), seed++);
    const BroadcastPlan plan = plan_broadcast(as, bs, os);
    EXPECT_EQ(walk_broadcast(a, b, plan), naive_broadcast(a, as, b, bs, os)) << what;
  }
}

TEST(CudaBroadcastPlan, ThrowsOnShapesThatDoNotBroadcast) {
  testing::expect_error<ValueError>([] { plan_broadcast({2, 3}, {4, 3}, {4, 3}); }, {"(2, 3)", "(4, 3)"});
  testing::expect_error<ValueError>([] { plan_broadcast({3}, {3}, {2, 4}); }, {"(3,)", "(2, 4)"});
  testing::expect_error<ValueError>([] { plan_broadcast({2, 2, 3}, {3}, {2, 3}); }, {"(2, 2, 3)", "more dims"});
  // Nine dims that alternate which operand broadcasts: none merge, more than kMaxPlanRank.
  testing::expect_error<ValueError>(
      [] {
        plan_broadcast({2, 1, 2, 1, 2, 1, 2, 1, 2}, {1, 2, 1, 2, 1, 2, 1, 2, 1}, {2, 2, 2, 2, 2, 2, 2, 2, 2});
      },
      {"9 dims", "more than 8"});
}

// ---- the shared element formulas

constexpr int kUnaryOpCount = static_cast<int>(UnaryOp::log_sigmoid) + 1;

/// The params each op is checked with: the one or two settings Keras uses it with.
std::vector<UnaryParams> params_for(UnaryOp op) {
  switch (op) {
    case UnaryOp::relu:
      return {{0.f, -1.f, 0.f}, {0.1f, 6.f, 0.5f}};  // plain; negative_slope, max_value, threshold
    case UnaryOp::elu:
      return {{1.f, 0.f, 0.f}, {0.5f, 0.f, 0.f}};
    case UnaryOp::gelu:
      return {{0.f, 0.f, 0.f}, {1.f, 0.f, 0.f}};  // erf; tanh approximation
    case UnaryOp::clip:
      return {{-1.f, 1.f, 0.f}};
    default:
      return {UnaryParams{}};
  }
}

/// Points at least 0.2 from every kink (0, +-1, +-3, relu's threshold 0.5 and max 6),
/// inside each op's domain.
std::vector<float> points_for(UnaryOp op) {
  switch (op) {
    case UnaryOp::sqrt:
    case UnaryOp::rsqrt:
    case UnaryOp::log:
      return {0.3f, 0.8f, 1.6f, 2.4f, 4.1f};
    default:
      return {-4.2f, -2.5f, -1.3f, -0.7f, -0.2f, 0.3f, 0.8f, 1.6f, 2.4f, 4.1f};
  }
}

TEST(CudaSharedMath, UnaryDerivativeMatchesFiniteDifferencesOfForward) {
  constexpr double kStep = 1e-2;
  for (int i = 0; i < kUnaryOpCount; ++i) {
    const auto op = static_cast<UnaryOp>(i);
    for (const UnaryParams& p : params_for(op)) {
      for (float x : points_for(op)) {
        const auto above = static_cast<float>(x + kStep), below = static_cast<float>(x - kStep);
        const double numeric =
            (static_cast<double>(math::unary_forward(op, p, above)) - math::unary_forward(op, p, below)) /
            (static_cast<double>(above) - below);
        // The backward kernels pass only what unary_grad_uses_output says they keep (the
        // other operand is 0 there), so the derivative is asked the same way here.
        const float y = math::unary_forward(op, p, x);
        const double analytic =
            unary_grad_uses_output(op) ? math::unary_derivative(op, p, 0.f, y) : math::unary_derivative(op, p, x, 0.f);
        EXPECT_NEAR(analytic, numeric, 1e-3 + 5e-3 * std::fabs(numeric))
            << "op " << i << " at x = " << x << " (alpha " << p.alpha << ", beta " << p.beta << ", gamma " << p.gamma
            << ")";
      }
    }
  }
}

TEST(CudaSharedMath, UnaryForwardKnownValues) {
  const UnaryParams none{};
  EXPECT_FLOAT_EQ(math::unary_forward(UnaryOp::sigmoid, none, 0.f), 0.5f);
  EXPECT_FLOAT_EQ(math::unary_forward(UnaryOp::sigmoid, none, -1000.f), 0.f);
  EXPECT_FLOAT_EQ(math::unary_forward(UnaryOp::sigmoid, none, 1000.f), 1.f);  // not inf / inf
  EXPECT_FLOAT_EQ(math::unary_forward(UnaryOp::softplus, none, 100.f), 100.f);
  EXPECT_FLOAT_EQ(math::unary_forward(UnaryOp::relu, {0.1f, 6.f, 0.5f}, 10.f), 6.f);
  EXPECT_FLOAT_EQ(math::unary_forward(UnaryOp::relu, {0.1f, 6.f, 0.5f}, -1.5f), -0.2f);  // -0.1 * (0.5 + 1.5)
  EXPECT_FLOAT_EQ(math::unary_forward(UnaryOp::hard_silu, none, 3.f), 3.f);
  EXPECT_FLOAT_EQ(math::unary_forward(UnaryOp::clip, {-1.f, 1.f, 0.f}, 2.f), 1.f);
}

TEST(CudaSharedMath, BinaryApplyIntegerAndComparisonRules) {
  EXPECT_EQ((math::binary_apply<int32_t, int32_t>(BinaryOp::div, 7, 0)), 0);  // no trap
  EXPECT_EQ((math::binary_apply<int32_t, int32_t>(BinaryOp::div, -7, 2)), -3);
  EXPECT_EQ((math::binary_apply<int64_t, int64_t>(BinaryOp::pow, 3, 4)), 81);
  EXPECT_EQ((math::binary_apply<uint8_t, uint8_t>(BinaryOp::add, 200, 100)), 44);  // wraps, as the CPU's bytes do
  EXPECT_EQ((math::binary_apply<float, uint8_t>(BinaryOp::lt, 1.f, 2.f)), 1);
  EXPECT_EQ((math::binary_apply<float, uint8_t>(BinaryOp::eq, NAN, NAN)), 0);
  EXPECT_FLOAT_EQ((math::binary_apply<float, float>(BinaryOp::pow, 2.f, 0.5f)), std::sqrt(2.f));
}

}  // namespace
}  // namespace keras::backend::cuda
