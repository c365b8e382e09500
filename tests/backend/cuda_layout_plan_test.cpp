// plan_transpose and plan_slab (src/backend/cuda/plan/layout.cpp) are plain arithmetic,
// so they are checked here without a GPU: each plan is walked on the host as layout.cu's
// strided copy walks it, over distinct values in a random order, and the result compared
// with a naive transpose or block copy by full multi-index.
#include <algorithm>
#include <numeric>
#include <random>

#include "backend/cuda/plan/plans.h"
#include "test_utils.h"

namespace keras::backend::cuda {
namespace {

/// Distinct values 0..n-1 shuffled: an element put in the wrong place cannot go unseen.
std::vector<int64_t> distinct_values(int64_t n, uint32_t seed) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  std::shuffle(v.begin(), v.end(), std::mt19937(seed));
  return v;
}

std::vector<int64_t> strides_of(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

std::vector<int64_t> unravel(int64_t flat, const Shape& s) {
  std::vector<int64_t> idx(s.size());
  for (size_t i = s.size(); i-- > 0;) {
    idx[i] = flat % s[i];
    flat /= s[i];
  }
  return idx;
}

std::vector<int64_t> naive_transpose(const std::vector<int64_t>& x, const Shape& shape,
                                     const std::vector<int64_t>& perm) {
  Shape out_shape;
  for (int64_t p : perm) out_shape.push_back(shape[static_cast<size_t>(p)]);
  const auto in_strides = strides_of(shape);
  std::vector<int64_t> out(x.size());
  for (int64_t i = 0; i < out_shape.num_elements(); ++i) {
    const auto idx = unravel(i, out_shape);
    int64_t from = 0;
    for (size_t k = 0; k < perm.size(); ++k) from += idx[k] * in_strides[static_cast<size_t>(perm[k])];
    out[static_cast<size_t>(i)] = x[static_cast<size_t>(from)];
  }
  return out;
}

/// What the transpose kernel does with the plan: output element e, its multi-index over
/// the plan's dims, read from the input at that index dotted with in_stride.
std::vector<int64_t> walk_transpose(const std::vector<int64_t>& x, const TransposePlan& plan) {
  std::vector<int64_t> out(static_cast<size_t>(plan.size));
  for (int64_t e = 0; e < plan.size; ++e) {
    int64_t rem = e, from = 0;
    for (int k = plan.rank; k-- > 0;) {
      const auto u = static_cast<size_t>(k);
      from += rem % plan.dims[u] * plan.in_stride[u];
      rem /= plan.dims[u];
    }
    EXPECT_GE(from, 0);
    EXPECT_LT(from, static_cast<int64_t>(x.size()));
    out[static_cast<size_t>(e)] = x[static_cast<size_t>(from)];
  }
  return out;
}

void expect_transpose_walk(const Shape& shape, const std::vector<int64_t>& perm, int expected_rank) {
  SCOPED_TRACE("transpose of " + shape.to_string());
  const TransposePlan plan = plan_transpose(shape, perm);
  EXPECT_EQ(plan.rank, expected_rank);
  EXPECT_EQ(plan.size, shape.num_elements());
  int64_t walked = 1;
  for (int k = 0; k < plan.rank; ++k) walked *= plan.dims[static_cast<size_t>(k)];
  EXPECT_EQ(walked, plan.size);
  const auto x = distinct_values(shape.num_elements(), 7);
  EXPECT_EQ(walk_transpose(x, plan), naive_transpose(x, shape, perm));
}

TEST(CudaLayoutPlan, TransposeWalksMatchANaiveTranspose) {
  expect_transpose_walk({5, 7}, {0, 1}, 1);  // identity: one contiguous run
  expect_transpose_walk({2, 3, 4, 5}, {0, 1, 2, 3}, 1);
  expect_transpose_walk({33, 65}, {1, 0}, 2);            // the 2-d swap
  expect_transpose_walk({2, 5, 6, 3}, {0, 3, 1, 2}, 3);  // NHWC -> NCHW: H and W merge
  expect_transpose_walk({2, 3, 5, 6}, {0, 2, 3, 1}, 3);  // NCHW -> NHWC
  expect_transpose_walk({2, 3, 4, 5}, {2, 3, 0, 1}, 2);  // two pairs of axes that fold
  expect_transpose_walk({2, 3, 4}, {2, 0, 1}, 2);
  expect_transpose_walk({4, 3, 2, 5}, {3, 2, 1, 0}, 4);  // reversal: nothing folds
  expect_transpose_walk({1, 5, 1, 7}, {3, 2, 1, 0}, 2);  // size-1 axes drop out
  expect_transpose_walk({1, 1, 1}, {2, 0, 1}, 1);
  expect_transpose_walk({7}, {0}, 1);
  expect_transpose_walk({}, {}, 1);                                                    // a scalar is one element
  expect_transpose_walk({2, 2, 2, 2, 2, 2, 2, 2}, {7, 6, 5, 4, 3, 2, 1, 0}, 8);        // the most a plan takes
  expect_transpose_walk({2, 2, 2, 2, 2, 2, 2, 2, 2}, {1, 0, 2, 3, 4, 5, 6, 7, 8}, 3);  // nine axes, three after folding
}

TEST(CudaLayoutPlan, RandomTransposesMatchANaiveTranspose) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 300; ++trial) {
    const int rank = static_cast<int>(rng() % 7);  // folding never leaves more than 6 dims
    Shape shape;
    std::vector<int64_t> perm(static_cast<size_t>(rank));
    for (int k = 0; k < rank; ++k) shape.push_back(1 + static_cast<int64_t>(rng() % 4));
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    const TransposePlan plan = plan_transpose(shape, perm);
    const auto x = distinct_values(shape.num_elements(), static_cast<uint32_t>(trial));
    ASSERT_EQ(walk_transpose(x, plan), naive_transpose(x, shape, perm)) << "transpose of " << shape.to_string();
  }
}

TEST(CudaLayoutPlan, TransposeStridesOfNhwcToNchw) {
  const TransposePlan plan = plan_transpose({2, 5, 6, 3}, {0, 3, 1, 2});
  ASSERT_EQ(plan.rank, 3);
  EXPECT_EQ((std::vector<int64_t>(plan.dims.begin(), plan.dims.begin() + 3)), (std::vector<int64_t>{2, 3, 30}));
  EXPECT_EQ((std::vector<int64_t>(plan.in_stride.begin(), plan.in_stride.begin() + 3)),
            (std::vector<int64_t>{90, 1, 3}));
}

TEST(CudaLayoutPlan, EmptyTransposeHasNothingToWalk) {
  const TransposePlan plan = plan_transpose({3, 0, 4}, {2, 1, 0});
  EXPECT_EQ(plan.size, 0);
  EXPECT_EQ(plan.rank, 1);
  EXPECT_EQ(plan.dims[0], 0);
}

TEST(CudaLayoutPlan, TransposeRejectsBadPermsAndTooManyDims) {
  testing::expect_error<ValueError>([] { plan_transpose({2, 3}, {0}); }, {"perm (0)", "(2, 3)"});
  testing::expect_error<ValueError>([] { plan_transpose({2, 3}, {1, 1}); }, {"perm (1, 1)", "not a permutation"});
  testing::expect_error<ValueError>([] { plan_transpose({2, 3}, {0, 2}); }, {"perm (0, 2)"});
  testing::expect_error<ValueError>([] { plan_transpose({2, 3}, {-1, 0}); }, {"perm (-1, 0)"});
  // Nine axes reversed: no neighbours merge, one dim too many.
  testing::expect_error<ValueError>(
      [] {
        plan_transpose({2, 2, 2, 2, 2, 2, 2, 2, 2}, {8, 7, 6, 5, 4, 3, 2, 1, 0});
      },
      {"(2, 2, 2, 2, 2, 2, 2, 2, 2)", "needs 9 dims", "at most 8"});
}

/// The block of `small_shape` at `offsets` inside `big` copied into `small` (extract) or
/// from it (insert), by full multi-index.
void naive_slab(std::vector<int64_t>& big, const Shape& big_shape, std::vector<int64_t>& small,
                const Shape& small_shape, const std::vector<int64_t>& offsets, bool extract) {
  const auto big_strides = strides_of(big_shape);
  for (int64_t i = 0; i < small_shape.num_elements(); ++i) {
    const auto idx = unravel(i, small_shape);
    int64_t at = 0;
    for (size_t k = 0; k < idx.size(); ++k) at += (idx[k] + offsets[k]) * big_strides[k];
    if (extract) small[static_cast<size_t>(i)] = big[static_cast<size_t>(at)];
    else big[static_cast<size_t>(at)] = small[static_cast<size_t>(i)];
  }
}

/// What the copy_slab kernel does with the plan: element e of the small tensor, its
/// multi-index over the plan's dims dotted with each tensor's strides.
void walk_slab(std::vector<int64_t>& big, std::vector<int64_t>& small, const SlabPlan& plan, bool extract) {
  for (int64_t e = 0; e < plan.size; ++e) {
    int64_t rem = e, small_at = 0, big_at = plan.big_offset;
    for (int k = plan.rank; k-- > 0;) {
      const auto u = static_cast<size_t>(k);
      const int64_t i = rem % plan.dims[u];
      small_at += i * plan.small_stride[u];
      big_at += i * plan.big_stride[u];
      rem /= plan.dims[u];
    }
    EXPECT_EQ(small_at, e) << "the small tensor is walked in its own order";
    ASSERT_GE(big_at, 0);
    ASSERT_LT(big_at, static_cast<int64_t>(big.size()));
    if (extract) small[static_cast<size_t>(small_at)] = big[static_cast<size_t>(big_at)];
    else big[static_cast<size_t>(big_at)] = small[static_cast<size_t>(small_at)];
  }
}

void expect_slab_walk(const Shape& big_shape, const Shape& small_shape, const std::vector<int64_t>& offsets,
                      int expected_rank) {
  SCOPED_TRACE("block " + small_shape.to_string() + " of " + big_shape.to_string());
  const SlabPlan plan = plan_slab(big_shape, small_shape, offsets);
  EXPECT_EQ(plan.rank, expected_rank);
  EXPECT_EQ(plan.size, small_shape.num_elements());
  for (bool extract : {true, false}) {
    auto big = distinct_values(big_shape.num_elements(), 11);
    auto small = distinct_values(small_shape.num_elements(), 12);
    for (int64_t& v : small) v += big_shape.num_elements();  // tell inserted values from the big ones
    auto want_big = big, want_small = small;
    naive_slab(want_big, big_shape, want_small, small_shape, offsets, extract);
    walk_slab(big, small, plan, extract);
    EXPECT_EQ(big, want_big) << (extract ? "extract" : "insert");
    EXPECT_EQ(small, want_small) << (extract ? "extract" : "insert");
  }
}

TEST(CudaLayoutPlan, SlabWalksMatchANaiveBlockCopy) {
  // A concatenation's part: rows of the trailing axes that span the big tensor merge.
  expect_slab_walk({4, 6, 5}, {2, 6, 5}, {1, 0, 0}, 1);
  expect_slab_walk({4, 6, 5}, {4, 3, 5}, {0, 3, 0}, 2);
  expect_slab_walk({4, 6, 5}, {4, 6, 2}, {0, 0, 3}, 2);
  expect_slab_walk({64, 30, 8}, {64, 15, 8}, {0, 10, 0}, 2);
  // A padded or cropped image, channels last.
  expect_slab_walk({2, 7, 9, 3}, {2, 5, 6, 3}, {0, 1, 2, 0}, 3);
  expect_slab_walk({3, 4, 5, 6}, {2, 2, 3, 4}, {1, 1, 2, 1}, 4);
  expect_slab_walk({1, 9, 9, 1}, {1, 7, 7, 1}, {0, 1, 1, 0}, 2);  // size-1 axes drop out
  // A whole copy, a scalar, a block of one element.
  expect_slab_walk({3, 4}, {3, 4}, {0, 0}, 1);
  expect_slab_walk({}, {}, {}, 1);
  expect_slab_walk({3, 4, 5}, {1, 1, 1}, {2, 3, 4}, 1);
}

TEST(CudaLayoutPlan, RandomSlabsMatchANaiveBlockCopy) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 300; ++trial) {
    const int rank = static_cast<int>(rng() % 7);
    Shape big, small;
    std::vector<int64_t> offsets;
    for (int k = 0; k < rank; ++k) {
      big.push_back(1 + static_cast<int64_t>(rng() % 4));
      small.push_back(1 + static_cast<int64_t>(rng() % static_cast<uint32_t>(big.back())));
      offsets.push_back(static_cast<int64_t>(rng() % static_cast<uint32_t>(big.back() - small.back() + 1)));
    }
    const SlabPlan plan = plan_slab(big, small, offsets);
    for (bool extract : {true, false}) {
      auto b = distinct_values(big.num_elements(), static_cast<uint32_t>(trial));
      auto s = distinct_values(small.num_elements(), static_cast<uint32_t>(trial + 1000));
      for (int64_t& v : s) v += big.num_elements();
      auto want_b = b, want_s = s;
      naive_slab(want_b, big, want_s, small, offsets, extract);
      walk_slab(b, s, plan, extract);
      ASSERT_EQ(b, want_b) << small.to_string() << " in " << big.to_string();
      ASSERT_EQ(s, want_s) << small.to_string() << " in " << big.to_string();
    }
  }
}

TEST(CudaLayoutPlan, SlabStridesOfAPaddedImage) {
  // Each image row's 6 pixels of 3 channels are one run of 18; rows and images stay apart.
  const SlabPlan plan = plan_slab({2, 7, 9, 3}, {2, 5, 6, 3}, {0, 1, 2, 0});
  ASSERT_EQ(plan.rank, 3);
  EXPECT_EQ(plan.big_offset, 1 * 27 + 2 * 3);
  EXPECT_EQ((std::vector<int64_t>(plan.dims.begin(), plan.dims.begin() + 3)), (std::vector<int64_t>{2, 5, 18}));
  EXPECT_EQ((std::vector<int64_t>(plan.big_stride.begin(), plan.big_stride.begin() + 3)),
            (std::vector<int64_t>{189, 27, 1}));
  EXPECT_EQ((std::vector<int64_t>(plan.small_stride.begin(), plan.small_stride.begin() + 3)),
            (std::vector<int64_t>{90, 18, 1}));
}

TEST(CudaLayoutPlan, EmptySlabHasNothingToWalk) {
  const SlabPlan plan = plan_slab({4, 6}, {0, 6}, {4, 0});
  EXPECT_EQ(plan.size, 0);
  EXPECT_EQ(plan.rank, 1);
  EXPECT_EQ(plan.dims[0], 0);
}

TEST(CudaLayoutPlan, SlabRejectsBlocksThatDoNotFitAndTooManyDims) {
  testing::expect_error<ValueError>([] { plan_slab({4, 6}, {2, 6}, {3, 0}); }, {"(2, 6)", "(4, 6)", "offsets (3, 0)"});
  testing::expect_error<ValueError>([] { plan_slab({4, 6}, {2, 6}, {-1, 0}); }, {"offsets (-1, 0)"});
  testing::expect_error<ValueError>([] { plan_slab({4, 6}, {2, 6}, {0}); }, {"offsets (0)"});
  testing::expect_error<ValueError>([] { plan_slab({4, 6}, {2, 6, 1}, {0, 0, 0}); }, {"(2, 6, 1)", "(4, 6)"});
  testing::expect_error<ValueError>([] { plan_slab({4, 6}, {5, 6}, {0, 0}); }, {"(5, 6)"});
  // Nine axes each narrower than the big one's: nothing merges.
  const Shape big{3, 3, 3, 3, 3, 3, 3, 3, 3}, small{2, 2, 2, 2, 2, 2, 2, 2, 2};
  testing::expect_error<ValueError>([&] { plan_slab(big, small, std::vector<int64_t>(9, 1)); },
                                    {small.to_string(), big.to_string(), "needs 9 dims", "at most 8"});
}

}  // namespace
}  // namespace keras::backend::cuda
