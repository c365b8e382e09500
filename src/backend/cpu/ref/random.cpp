// Counter-based random numbers: element i of a draw with seed s is a pure function of
// (s, i), so results do not depend on the number of threads.
#include <cmath>

#include "backend/cpu/cpu_backend.h"
#include "backend/math/counter_rng.h"

namespace keras::backend::cpu {

void CpuBackend::random_uniform(Tensor& out, double low, double high, uint64_t seed) {
  float* p = out.data<float>();
  const int64_t n = out.size();
  const float lo = static_cast<float>(low), span = static_cast<float>(high - low);
#pragma omp parallel for if (n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i) p[i] = lo + span * rng::unit(rng::mix(seed, static_cast<uint64_t>(i)));
}

void CpuBackend::random_normal(Tensor& out, double mean, double stddev, uint64_t seed) {
  float* p = out.data<float>();
  const int64_t n = out.size();
#pragma omp parallel for if (n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i)
    p[i] = static_cast<float>(mean) + static_cast<float>(stddev) * rng::normal(seed, static_cast<uint64_t>(i));
}

void CpuBackend::random_truncated_normal(Tensor& out, double mean, double stddev, uint64_t seed) {
  float* p = out.data<float>();
  const int64_t n = out.size();
#pragma omp parallel for if (n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i)
    p[i] = static_cast<float>(mean) + static_cast<float>(stddev) * rng::truncated_normal(seed, static_cast<uint64_t>(i));
}

void CpuBackend::dropout_mask(Tensor& out, double rate, uint64_t seed) {
  float* p = out.data<float>();
  const int64_t n = out.size();
  const float keep_scale = static_cast<float>(1.0 / (1.0 - rate));
  const float r = static_cast<float>(rate);
#pragma omp parallel for if (n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i) p[i] = rng::unit(rng::mix(seed, static_cast<uint64_t>(i))) < r ? 0.f : keep_scale;
}

}  // namespace keras::backend::cpu
