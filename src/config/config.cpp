#include "keras/config/config.h"

#include <unistd.h>

#include <atomic>
#include <limits>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "keras/errors.h"

namespace keras::config {

void set_num_threads(int n) {
  if (n <= 0) throw ValueError(detail::cat("set_num_threads: expected a positive number, got ", n));
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
}

int num_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

namespace {
std::atomic<int64_t> g_max_activation_bytes{0};  // 0: not set, the physical memory

int64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return std::numeric_limits<int64_t>::max();
  if (pages > std::numeric_limits<int64_t>::max() / page) return std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(pages) * page;
}
}  // namespace

void set_max_activation_bytes(int64_t bytes) {
  if (bytes <= 0)
    throw ValueError(detail::cat("set_max_activation_bytes: expected a positive number of bytes, got ", bytes));
  g_max_activation_bytes.store(bytes, std::memory_order_relaxed);
}

int64_t max_activation_bytes() {
  const int64_t set = g_max_activation_bytes.load(std::memory_order_relaxed);
  if (set > 0) return set;
  static const int64_t physical = physical_memory_bytes();
  return physical;
}

}  // namespace keras::config
