#include "utils/shuffle_order.h"

#include <array>
#include <random>
#include <utility>

#include "keras/errors.h"

namespace keras::utils {

// Fisher-Yates from the end, j drawn by random_interval(i) (the smallest all-ones mask
// above i, 32-bit MT19937 draws rejected until <= i); RandomState(int) seeds MT19937 as
// std::mt19937 does.
std::vector<int64_t> numpy_shuffle_permutation(int64_t n, uint64_t seed) {
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) perm[static_cast<size_t>(i)] = i;
  std::mt19937 mt(static_cast<uint32_t>(seed));
  for (int64_t i = n - 1; i >= 1; --i) {
    uint64_t mask = static_cast<uint64_t>(i);
    for (int s = 1; s <= 32; s *= 2) mask |= mask >> s;
    uint64_t j;
    do j = mt() & mask;
    while (j > static_cast<uint64_t>(i));
    std::swap(perm[static_cast<size_t>(i)], perm[static_cast<size_t>(j)]);
  }
  return perm;
}

namespace {

// MT19937 seeded as CPython's random.seed(int) seeds it: init_by_array over the 32-bit
// words of the seed, least significant first (mt19937ar.c's reference initialisation).
class PythonMersenneTwister {
 public:
  explicit PythonMersenneTwister(uint64_t seed) {
    std::vector<uint32_t> key{static_cast<uint32_t>(seed)};
    if (seed >> 32) key.push_back(static_cast<uint32_t>(seed >> 32));
    init_genrand(19650218u);
    size_t i = 1, j = 0;
    for (size_t k = std::max<size_t>(kN, key.size()); k; --k) {
      mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525u)) + key[j] + static_cast<uint32_t>(j);
      if (++i >= kN) mt_[0] = mt_[kN - 1], i = 1;
      if (++j >= key.size()) j = 0;
    }
    for (size_t k = kN - 1; k; --k) {
      mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941u)) - static_cast<uint32_t>(i);
      if (++i >= kN) mt_[0] = mt_[kN - 1], i = 1;
    }
    mt_[0] = 0x80000000u;
  }

  uint32_t next() {
    if (index_ >= kN) twist();
    uint32_t y = mt_[index_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    return y ^ (y >> 18);
  }

  // random._randbelow(n) for n < 2**32: getrandbits(n.bit_length()) until below n.
  uint64_t below(uint64_t n) {
    int bits = 0;
    while ((n >> bits) != 0) ++bits;
    for (;;) {
      const uint64_t r = next() >> (32 - bits);
      if (r < n) return r;
    }
  }

 private:
  static constexpr size_t kN = 624, kM = 397;
  void init_genrand(uint32_t s) {
    mt_[0] = s;
    for (size_t i = 1; i < kN; ++i) mt_[i] = 1812433253u * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<uint32_t>(i);
    index_ = kN;
  }
  void twist() {
    for (size_t k = 0; k < kN; ++k) {
      const uint32_t y = (mt_[k] & 0x80000000u) | (mt_[(k + 1) % kN] & 0x7fffffffu);
      mt_[k] = mt_[(k + kM) % kN] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    index_ = 0;
  }
  std::array<uint32_t, kN> mt_{};
  size_t index_ = kN;
};

}  // namespace

std::vector<int64_t> python_shuffle_permutation(int64_t n, uint64_t seed) {
  if (n >= (int64_t{1} << 32))
    throw ValueError(detail::cat("python_shuffle_permutation: ", n, " items are more than 2**32 - 1"));
  std::vector<int64_t> perm(static_cast<size_t>(std::max<int64_t>(n, 0)));
  for (int64_t i = 0; i < n; ++i) perm[static_cast<size_t>(i)] = i;
  PythonMersenneTwister mt(seed);
  for (int64_t i = n - 1; i >= 1; --i)
    std::swap(perm[static_cast<size_t>(i)], perm[mt.below(static_cast<uint64_t>(i) + 1)]);
  return perm;
}

uint64_t random_seed() {
  std::random_device rd;
  return rd() % 1000000;
}

}  // namespace keras::utils
