// How the CPU kernels use the cores: one OpenMP pool (the one oneDNN uses too), work
// split into one contiguous chunk per thread, and small work kept on the calling thread
// because waking the pool costs more than it saves.
//
// Hot loops are compiled for AVX-512, AVX2 and baseline x86-64 at once (GCC's
// target_clones; the loader picks the best the CPU has), so the library runs on any
// x86-64 machine and still uses wide vectors where they exist.
#pragma once

#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <cstdint>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define KERAS_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define KERAS_SIMD_CLONES
#endif

namespace keras::backend::cpu {

/// Calls f(begin, end) on disjoint chunks covering [0, n), in parallel when n > grain.
template <class F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
#ifdef _OPENMP
  if (n <= grain || omp_get_max_threads() == 1 || omp_in_parallel()) {
    f(int64_t{0}, n);
    return;
  }
#pragma omp parallel
  {
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t chunk = (n + nt - 1) / nt;
    const int64_t b = t * chunk, e = std::min(n, b + chunk);
    if (b < e) f(b, e);
  }
#else
  (void)grain;
  f(int64_t{0}, n);
#endif
}

}  // namespace keras::backend::cpu
