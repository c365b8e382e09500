#include "keras/config/config.h"

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

}  // namespace keras::config
