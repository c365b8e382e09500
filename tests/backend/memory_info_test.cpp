// The CPU allocator's statistics (config::get_memory_info) and its caching policy, and
// what they show about a deep graph at inference.
#include <fstream>

#include "backend/allocation_lifetime.h"
#include "keras/config/memory.h"
#include "test_utils.h"

namespace keras {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

TEST(MemoryInfo, CountsTensorsAndReusesFreedBlocks) {
  config::release_cached_memory();
  const auto start = config::get_memory_info();
  {
    const Tensor t = Tensor::zeros({4 * kMiB / 4});  // 4 MiB
    const auto with = config::get_memory_info();
    EXPECT_EQ(with.current - start.current, 4 * kMiB);
    EXPECT_GE(with.peak, with.current);
  }
  const auto freed = config::get_memory_info();
  EXPECT_EQ(freed.current, start.current);
  EXPECT_EQ(freed.cached - start.cached, 4 * kMiB);  // kept for reuse
  {
    const Tensor again = Tensor::zeros({4 * kMiB / 4});
    EXPECT_EQ(config::get_memory_info().cached, start.cached);  // the same block came back
  }
  config::release_cached_memory();
  EXPECT_EQ(config::get_memory_info().cached, 0);
  config::reset_memory_stats();
  EXPECT_EQ(config::get_memory_info().peak, config::get_memory_info().current);
}

TEST(MemoryInfo, ABigRequestTakesACachedBlockOfUpToTwiceItsSize) {
  config::release_cached_memory();
  { const Tensor six = Tensor::empty({6 * kMiB / 4}); }
  const int64_t cached = config::get_memory_info().cached;
  EXPECT_EQ(cached, 6 * kMiB);
  {
    const Tensor five = Tensor::empty({5 * kMiB / 4});  // served by the 6 MiB block
    EXPECT_EQ(config::get_memory_info().cached, 0);
    const Tensor two = Tensor::empty({2 * kMiB / 4});  // nothing cached: a new block
  }
  // Both back in the cache, the 6 MiB block under its own size.
  EXPECT_EQ(config::get_memory_info().cached, 8 * kMiB);
  {
    const Tensor six_again = Tensor::empty({6 * kMiB / 4});
    EXPECT_EQ(config::get_memory_info().cached, 2 * kMiB);
  }
  { const Tensor small = Tensor::empty({kMiB / 8}); }  // under 1 MiB: exact sizes only
  EXPECT_EQ(config::get_memory_info().cached, 8 * kMiB + kMiB / 2);
  config::release_cached_memory();
}

TEST(MemoryInfo, AShortLivedRequestTakesACachedBlockOfUpToFourTimesItsSize) {
  using backend::AllocationLifetime;
  using backend::AllocationLifetimeScope;
  config::release_cached_memory();
  { const Tensor eight = Tensor::empty({8 * kMiB / 4}); }
  {
    const Tensor three = Tensor::empty({3 * kMiB / 4});  // 8 MiB is over twice 3: a new block
    EXPECT_EQ(config::get_memory_info().cached, 8 * kMiB);
  }
  config::release_cached_memory();
  { const Tensor eight = Tensor::empty({8 * kMiB / 4}); }
  {
    AllocationLifetimeScope inference(AllocationLifetime::short_lived);
    Tensor packed;
    {
      AllocationLifetimeScope kept(AllocationLifetime::long_lived);  // the inner scope decides
      packed = Tensor::empty({3 * kMiB / 4});
      EXPECT_EQ(config::get_memory_info().cached, 8 * kMiB);
    }
    const Tensor three = Tensor::empty({3 * kMiB / 4});  // served by the 8 MiB block
    EXPECT_EQ(config::get_memory_info().cached, 0);
    packed = Tensor();
    const Tensor one = Tensor::empty({kMiB / 4});  // 3 MiB is within four times 1 MiB
    EXPECT_EQ(config::get_memory_info().cached, 0);
  }
  EXPECT_EQ(backend::allocation_lifetime(), AllocationLifetime::usual);
  config::release_cached_memory();
}

// At inference a graph's activations are short-lived: one three times smaller than a
// freed one reuses its block, so a first predict asks the system for less memory. The
// model's output outlives the call: it keeps to blocks of up to twice its size.
TEST(MemoryInfo, AtInferenceASmallerActivationReusesAFreedLargerBlock) {
  auto input = keras::Input({3072});
  auto a = layers::Activation("relu")(input);            // 24 MiB at batch 2048
  auto b = layers::Activation("relu")(a);                // 24 MiB; a is freed after it
  auto c = layers::Dense(1024, {.use_bias = false})(b);  // 8 MiB: a's block, not a new one
  auto d = layers::Activation("relu")(c);                // 8 MiB, the output: a block of its own
  Model model(input, d, "shrinking");
  const Tensor x = testing::random_tensor({2048, 3072}, 1);
  config::release_cached_memory();
  Tensor y = model.predict_on_batch(x);
  EXPECT_EQ(y.shape(), Shape({2048, 1024}));
  y = Tensor();
  // Every block the call took from the system is back in the cache now.
  EXPECT_EQ(config::get_memory_info().cached, 56 * kMiB) << "two 24 MiB blocks and the output's 8 MiB";
}

TEST(MemoryInfo, TheCacheStaysWithinTwiceThePeakWhenSizesChange) {
  config::release_cached_memory();
  config::reset_memory_stats();
  // Each round frees 16 blocks of one size and then asks for another size: the stale
  // blocks must leave the cache (oldest first) instead of piling up. (Tensor::empty
  // touches no page, so this costs address space, not memory.)
  for (int64_t round = 0; round < 12; ++round) {
    {
      std::vector<Tensor> blocks;
      for (int i = 0; i < 16; ++i) blocks.push_back(Tensor::empty({(8 + 3 * round) * kMiB / 4}));
    }
    const auto info = config::get_memory_info();
    EXPECT_LE(info.cached, std::max<int64_t>(2 * info.peak, int64_t{1} << 30)) << "round " << round;
  }
  // The most recent size is still cached: the next round of it is served without malloc.
  const auto info = config::get_memory_info();
  {
    const Tensor again = Tensor::empty({(8 + 3 * 11) * kMiB / 4});
    EXPECT_GE(info.cached - config::get_memory_info().cached, (8 + 3 * 11) * kMiB);
  }
  config::release_cached_memory();
}

/// Resident memory of this process (/proc/self/statm), in bytes.
int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * 4096;
}

// Blocks from 64 KiB to 4 MiB are cut from 32 MiB slabs of huge pages: they never
// overlap, whatever the order of frees and releases, and a released block's pages go
// back to the system even while its slab holds live blocks.
TEST(MemoryInfo, SlabBlocksStayApartAndTheirPagesGoBack) {
  config::release_cached_memory();
  std::vector<Tensor> live;
  auto fill = [&](int round) {
    for (int i = 0; i < 60; ++i) {
      const int64_t floats = (64 * 1024 + (i * 97 % 40) * 100 * 1024) / 4;  // 64 KiB .. 4 MiB
      live.push_back(Tensor::full({floats}, static_cast<float>(round * 1000 + i)));
    }
  };
  auto check = [&](const std::string& when) {
    for (const Tensor& t : live) {
      const float want = t.data<float>()[0];
      const float* p = t.data<float>();
      for (int64_t k = 0; k < t.size(); k += 1021)
        ASSERT_EQ(p[k], want) << when << ": a block of " << t.size() << " floats was overwritten";
      ASSERT_EQ(p[t.size() - 1], want) << when;
    }
  };
  fill(1);
  check("after the first round");
  std::vector<Tensor> kept;
  for (size_t i = 0; i < live.size(); i += 2) kept.push_back(live[i]);  // free every other one
  live = kept;
  config::release_cached_memory();
  check("after a release");
  fill(2);
  check("after the second round");
  // Everything freed and released: the resident size drops by about what was filled.
  // (Not under AddressSanitizer: it quarantines freed memory, and the slabs are off.)
#if defined(__SANITIZE_ADDRESS__)
  return;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return;
#endif
#endif
  int64_t bytes = 0;
  for (const Tensor& t : live) bytes += t.size() * 4;
  const int64_t before = resident_bytes();
  live.clear();
  kept.clear();
  config::release_cached_memory();
  EXPECT_LT(resident_bytes(), before - bytes / 2) << "of " << bytes << " bytes filled";
}

// Issue 16: at inference a Functional graph frees each activation after its last reader,
// so a 40-layer chain peaks at a few activations, not at the sum of all 40.
TEST(MemoryInfo, DeepGraphAtInferencePeaksAtAFewActivations) {
  auto input = keras::Input({1024});
  auto h = input;
  for (int i = 0; i < 40; ++i) h = layers::Activation(i % 2 ? "relu" : "tanh")(h);
  Model model(input, h, "deep");
  const Tensor x = testing::random_tensor({1024, 1024}, 1);  // 4 MiB per activation
  model.predict_on_batch(x);                                 // first call: builds what it caches
  config::release_cached_memory();
  config::reset_memory_stats();
  const int64_t before = config::get_memory_info().current;
  const Tensor y = model.predict_on_batch(x);
  const int64_t activation = 4 * kMiB, peak = config::get_memory_info().peak - before;
  EXPECT_LE(peak, 3 * activation) << "the sum of the activations is " << 40 * activation;
  EXPECT_GE(peak, activation);  // the output at least
}

}  // namespace
}  // namespace keras
