// Helpers the C++ benchmark programs share: the --threads flag and median timing.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

#include "keras/keras.h"

namespace bench {

/// The value after `flag` on the command line, or nullptr.
inline const char* flag_value(int argc, char** argv, const char* flag) {
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], flag)) return argv[i + 1];
  return nullptr;
}

/// Applies `--threads N` if given.
inline void apply_thread_flag(int argc, char** argv) {
  if (const char* n = flag_value(argc, argv, "--threads")) keras::config::set_num_threads(std::atoi(n));
}

/// Median wall time of `step` in milliseconds, after `warmup` untimed calls.
inline double median_ms(const std::function<void()>& step, int warmup, int reps) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < warmup; ++i) step();
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const auto s = Clock::now();
    step();
    t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace bench
