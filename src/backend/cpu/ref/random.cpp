// Counter-based random numbers: element i of a draw with seed s is a pure function of
// (s, i), so results do not depend on the number of threads.
#include <cmath>

#include "backend/cpu/cpu_backend.h"

namespace keras::backend::cpu {

namespace {

inline uint64_t mix(uint64_t seed, uint64_t counter) {
  // splitmix64's finaliser over a Weyl sequence: a good 64-bit mix, cheap enough per element.
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (counter + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Uniform in [0, 1) with 24 random bits (all a float holds).
inline float unit(uint64_t bits) { return static_cast<float>(bits >> 40) * (1.0f / 16777216.0f); }

/// A standard normal for element i (Box-Muller on two independent uniforms).
inline float normal(uint64_t seed, uint64_t i) {
  const uint64_t b = mix(seed, i);
  const float u1 = (static_cast<float>(b >> 40) + 1.0f) * (1.0f / 16777217.0f);  // (0, 1)
  const float u2 = static_cast<float>(b & 0xFFFFFF) * (1.0f / 16777216.0f);
  return std::sqrt(-2.0f * std::log(u1)) * std::cos(6.283185307179586f * u2);
}

}  // namespace

void CpuBackend::random_uniform(Tensor& out, double low, double high, uint64_t seed) {
  float* p = out.data<float>();
  const int64_t n = out.size();
  const float lo = static_cast<float>(low), span = static_cast<float>(high - low);
#pragma omp parallel for if (n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i) p[i] = lo + span * unit(mix(seed, static_cast<uint64_t>(i)));
}

void CpuBackend::random_normal(Tensor& out, double mean, double stddev, uint64_t seed) {
  float* p = out.data<float>();
  const int64_t n = out.size();
#pragma omp parallel for if (n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i)
    p[i] = static_cast<float>(mean) + static_cast<float>(stddev) * normal(seed, static_cast<uint64_t>(i));
}

void CpuBackend::random_truncated_normal(Tensor& out, double mean, double stddev, uint64_t seed) {
  float* p = out.data<float>();
  const int64_t n = out.size();
#pragma omp parallel for if (n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i) {
    float z = normal(seed, static_cast<uint64_t>(i));
    // Redraw beyond two standard deviations (about 4.6% of draws), each time from a new counter.
    for (uint64_t k = 1; std::fabs(z) > 2.0f; ++k) z = normal(seed ^ (k * 0xD1B54A32D192ED03ull), static_cast<uint64_t>(i));
    p[i] = static_cast<float>(mean) + static_cast<float>(stddev) * z;
  }
}

void CpuBackend::dropout_mask(Tensor& out, double rate, uint64_t seed) {
  float* p = out.data<float>();
  const int64_t n = out.size();
  const float keep_scale = static_cast<float>(1.0 / (1.0 - rate));
  const float r = static_cast<float>(rate);
#pragma omp parallel for if (n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i) p[i] = unit(mix(seed, static_cast<uint64_t>(i))) < r ? 0.f : keep_scale;
}

}  // namespace keras::backend::cpu
