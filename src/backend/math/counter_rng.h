// The counter-based generator behind the random kernels: element i of a draw with seed s
// is a pure function of (s, i). Shared by the CPU kernels, the reference backend and the
// CUDA kernels, so all of them draw the same bits for element i whatever the thread count
// or grid (the normal draws then differ only by the platforms' log and cos roundings).
#pragma once

#include <cmath>
#include <cstdint>

#include "backend/math/host_device.h"

namespace keras::backend::rng {

KERAS_HOST_DEVICE inline uint64_t mix(uint64_t seed, uint64_t counter) {
  // splitmix64's finaliser over a Weyl sequence: a good 64-bit mix, cheap enough per element.
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (counter + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Uniform in [0, 1) with 24 random bits (all a float holds).
KERAS_HOST_DEVICE inline float unit(uint64_t bits) { return static_cast<float>(bits >> 40) * (1.0f / 16777216.0f); }

/// A standard normal for element i (Box-Muller on two independent uniforms).
KERAS_HOST_DEVICE inline float normal(uint64_t seed, uint64_t i) {
  const uint64_t b = mix(seed, i);
  const float u1 = (static_cast<float>(b >> 40) + 1.0f) * (1.0f / 16777217.0f);  // (0, 1)
  const float u2 = static_cast<float>(b & 0xFFFFFF) * (1.0f / 16777216.0f);
  return std::sqrt(-2.0f * std::log(u1)) * std::cos(6.283185307179586f * u2);
}

/// Keras's truncated normal: draws beyond two standard deviations are redrawn, each
/// time from a new counter.
KERAS_HOST_DEVICE inline float truncated_normal(uint64_t seed, uint64_t i) {
  float z = normal(seed, i);
  for (uint64_t k = 1; std::fabs(z) > 2.0f; ++k) z = normal(seed ^ (k * 0xD1B54A32D192ED03ull), i);
  return z;
}

}  // namespace keras::backend::rng
