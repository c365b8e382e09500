// The CPU allocator's statistics (config::get_memory_info) and its caching policy, and
// what they show about a deep graph at inference.
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
