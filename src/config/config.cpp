#include "keras/config/config.h"

#include <omp.h>

#include "keras/errors.h"

namespace keras::config {

void set_num_threads(int n) {
  if (n <= 0) throw ValueError(detail::cat("set_num_threads: expected a positive number, got ", n));
  omp_set_num_threads(n);
}

int num_threads() { return omp_get_max_threads(); }

}  // namespace keras::config
