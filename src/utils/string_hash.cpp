#include "utils/string_hash.h"

#include <utility>

namespace keras::utils {

namespace {

// Little-endian loads whatever the host order: both hashes are defined on LE words.
uint64_t load_le(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
uint64_t word64(const char* p) { return load_le(p, 8); }
uint64_t word32(const char* p) { return load_le(p, 4); }

constexpr uint64_t rotr(uint64_t v, int n) { return n == 0 ? v : (v >> n) | (v << (64 - n)); }
constexpr uint64_t rotl(uint64_t v, int n) { return n == 0 ? v : (v << n) | (v >> (64 - n)); }

// ---- FarmHash (farmhashna) ----

constexpr uint64_t kP0 = 0xc3a5c85c97cb3127ULL;  // FarmHash's three 64-bit primes
constexpr uint64_t kP1 = 0xb492b66fbe98f273ULL;
constexpr uint64_t kP2 = 0x9ae16a3b2f90404fULL;

constexpr uint64_t shift_mix(uint64_t v) { return v ^ (v >> 47); }

// Murmur-style mix of two words with a length-dependent multiplier.
constexpr uint64_t mix16(uint64_t u, uint64_t v, uint64_t mul) {
  uint64_t a = shift_mix((u ^ v) * mul);
  uint64_t b = shift_mix((v ^ a) * mul);
  return b * mul;
}

uint64_t hash_upto16(const char* s, size_t n) {
  if (n >= 8) {
    const uint64_t mul = kP2 + 2 * n;
    const uint64_t a = word64(s) + kP2;
    const uint64_t b = word64(s + n - 8);
    return mix16(rotr(b, 37) * mul + a, (rotr(a, 25) + b) * mul, mul);
  }
  if (n >= 4) {
    const uint64_t mul = kP2 + 2 * n;
    return mix16(n + (word32(s) << 3), word32(s + n - 4), mul);
  }
  if (n > 0) {
    // First, middle and last byte; the sums are 32-bit in the reference.
    const uint32_t lo = static_cast<unsigned char>(s[0]) + (uint32_t{static_cast<unsigned char>(s[n / 2])} << 8);
    const uint32_t hi = static_cast<uint32_t>(n) + (uint32_t{static_cast<unsigned char>(s[n - 1])} << 2);
    return shift_mix(lo * kP2 ^ hi * kP0) * kP2;
  }
  return kP2;
}

uint64_t hash_17to32(const char* s, size_t n) {
  const uint64_t mul = kP2 + 2 * n;
  const uint64_t a = word64(s) * kP1, b = word64(s + 8);
  const uint64_t c = word64(s + n - 8) * mul, d = word64(s + n - 16) * kP2;
  return mix16(rotr(a + b, 43) + rotr(c, 30) + d, a + rotr(b + kP2, 18) + c, mul);
}

uint64_t hash_33to64(const char* s, size_t n) {
  const uint64_t mul = kP2 + 2 * n;
  const uint64_t a = word64(s) * kP2, b = word64(s + 8);
  const uint64_t c = word64(s + n - 8) * mul, d = word64(s + n - 16) * kP2;
  const uint64_t y = rotr(a + b, 43) + rotr(c, 30) + d;
  const uint64_t z = mix16(y, a + rotr(b + kP2, 18) + c, mul);
  const uint64_t e = word64(s + 16) * mul, f = word64(s + 24);
  const uint64_t g = (y + word64(s + n - 32)) * mul, h = (z + word64(s + n - 24)) * mul;
  return mix16(rotr(e + f, 43) + rotr(g, 30) + h, e + rotr(f + a, 18) + g, mul);
}

struct Pair {
  uint64_t first = 0, second = 0;
};

// Weak 16-byte hash of the 32 bytes at s and two seeds.
Pair weak32(const char* s, uint64_t a, uint64_t b) {
  const uint64_t w = word64(s), x = word64(s + 8), y = word64(s + 16), z = word64(s + 24);
  a += w;
  b = rotr(b + a + z, 21);
  const uint64_t c = a;
  a += x + y;
  b += rotr(a, 44);
  return {a + z, b + c};
}

// More than 64 bytes: 64-byte blocks through a 56-byte state, then the last 64 bytes
// (which may overlap the final block) with a state-dependent multiplier.
uint64_t hash_long(const char* s, size_t n) {
  constexpr uint64_t kSeed = 81;
  uint64_t x = kSeed * kP2 + word64(s);
  uint64_t y = kSeed * kP1 + 113;
  uint64_t z = shift_mix(y * kP2 + 113) * kP2;
  Pair v, w;
  const char* const blocks_end = s + ((n - 1) / 64) * 64;
  const char* const last64 = s + n - 64;
  for (const char* p = s; p != blocks_end; p += 64) {
    x = rotr(x + y + v.first + word64(p + 8), 37) * kP1;
    y = rotr(y + v.second + word64(p + 48), 42) * kP1;
    x ^= w.second;
    y += v.first + word64(p + 40);
    z = rotr(z + w.first, 33) * kP1;
    v = weak32(p, v.second * kP1, x + w.first);
    w = weak32(p + 32, z + w.second, y + word64(p + 16));
    std::swap(x, z);
  }
  const uint64_t mul = kP1 + ((z & 0xff) << 1);
  w.first += (n - 1) & 63;
  v.first += w.first;
  w.first += v.first;
  x = rotr(x + y + v.first + word64(last64 + 8), 37) * mul;
  y = rotr(y + v.second + word64(last64 + 48), 42) * mul;
  x ^= w.second * 9;
  y += v.first * 9 + word64(last64 + 40);
  z = rotr(z + w.first, 33) * mul;
  v = weak32(last64, v.second * mul, x + w.first);
  w = weak32(last64 + 32, z + w.second, y + word64(last64 + 16));
  std::swap(x, z);
  return mix16(mix16(v.first, w.first, mul) + shift_mix(y) * kP0 + z, mix16(v.second, w.second, mul) + x, mul);
}

// ---- SipHash-2-4 ----

struct SipState {
  uint64_t v0, v1, v2, v3;
  void rounds(int count) {
    for (int r = 0; r < count; ++r) {
      v0 += v1;
      v1 = rotl(v1, 13) ^ v0;
      v0 = rotl(v0, 32);
      v2 += v3;
      v3 = rotl(v3, 16) ^ v2;
      v0 += v3;
      v3 = rotl(v3, 21) ^ v0;
      v2 += v1;
      v1 = rotl(v1, 17) ^ v2;
      v2 = rotl(v2, 32);
    }
  }
  void absorb(uint64_t m) {
    v3 ^= m;
    rounds(2);
    v0 ^= m;
  }
};

}  // namespace

uint64_t farmhash_fingerprint64(std::string_view str) {
  const char* s = str.data();
  const size_t n = str.size();
  if (n <= 16) return hash_upto16(s, n);
  if (n <= 32) return hash_17to32(s, n);
  if (n <= 64) return hash_33to64(s, n);
  return hash_long(s, n);
}

uint64_t siphash_keyed(uint64_t k0, uint64_t k1, std::string_view str) {
  SipState st{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
              k1 ^ 0x7465646279746573ULL};
  const size_t n = str.size(), whole = n - n % 8;
  for (size_t i = 0; i < whole; i += 8) st.absorb(word64(str.data() + i));
  // Final word: the 0-7 leftover bytes, and the length mod 256 in the top byte.
  uint64_t last = static_cast<uint64_t>(n & 0xff) << 56;
  for (size_t i = whole; i < n; ++i) last |= uint64_t{static_cast<unsigned char>(str[i])} << (8 * (i - whole));
  st.absorb(last);
  st.v2 ^= 0xff;
  st.rounds(4);
  return st.v0 ^ st.v1 ^ st.v2 ^ st.v3;
}

}  // namespace keras::utils
