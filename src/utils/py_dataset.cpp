#include "keras/utils/py_dataset.h"

#include "keras/errors.h"

namespace keras::utils {

using keras::detail::cat;

PyDataset::PyDataset(PyDatasetOptions o) : o_(o) {
  if (o_.workers < 1) throw ValueError(cat("PyDataset: workers must be at least 1, got ", o_.workers));
  if (o_.max_queue_size < 1)
    throw ValueError(cat("PyDataset: max_queue_size must be at least 1, got ", o_.max_queue_size));
  if (o_.use_multiprocessing)
    throw ValueError("PyDataset: use_multiprocessing is not available here; workers run as threads (set workers > 1)");
}

}  // namespace keras::utils
