// KERAS_PROFILE_BACKWARD=1: the time spent in each op's backward, printed to stderr at exit
// (one line per op name: total ms, calls, ms per call). Off, it costs one pointer test.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace keras::autograd {

class BackwardProfiler {
 public:
  /// The process-wide profiler, or nullptr when KERAS_PROFILE_BACKWARD is not set.
  static BackwardProfiler* get();

  /// Runs `backward()` and, when profiling, adds its duration under `op` (only if it returns).
  template <class F>
  static auto run(const std::string& op, F&& backward) {
    BackwardProfiler* profiler = get();
    if (!profiler) return backward();
    const auto t0 = std::chrono::steady_clock::now();
    auto result = backward();
    profiler->add(op, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return result;
  }

  void add(const std::string& op, double seconds);

 private:
  BackwardProfiler();
  void print() const;

  std::mutex mutex_;
  std::map<std::string, std::pair<double, long>> totals_;  // op -> (seconds, calls)
};

}  // namespace keras::autograd
