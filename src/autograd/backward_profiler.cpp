#include "autograd/backward_profiler.h"

#include <cstdio>
#include <cstdlib>

namespace keras::autograd {

BackwardProfiler* BackwardProfiler::get() {
  // Never destroyed: the atexit report reads it after static destructors may have run.
  static BackwardProfiler* p = std::getenv("KERAS_PROFILE_BACKWARD") ? new BackwardProfiler() : nullptr;
  return p;
}

BackwardProfiler::BackwardProfiler() {
  std::atexit([] { get()->print(); });
}

void BackwardProfiler::add(const std::string& op, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& e = totals_[op];
  e.first += seconds;
  ++e.second;
}

void BackwardProfiler::print() const {
  for (const auto& [name, e] : totals_)
    std::fprintf(stderr, "backward %-16s %10.3f ms total %8ld calls %8.4f ms/call\n", name.c_str(), e.first * 1e3,
                 e.second, e.first * 1e3 / static_cast<double>(e.second));
}

}  // namespace keras::autograd
