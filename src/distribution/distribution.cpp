#include "keras/distribution/distribution.h"

#include <mutex>

#include "keras/distribution/data_parallel.h"
#include "keras/errors.h"

namespace keras::distribution {

using keras::detail::cat;

namespace {

std::mutex g_mutex;  // set_distribution may race with a model reading it on another thread

/// Under an MPI launcher with several processes, data parallelism: the program trains
/// distributed without a change (and a library built without MPI says so rather than
/// letting each process train alone).
std::shared_ptr<Distribution> default_distribution() {
  if (DataParallel::launched_processes() > 1) return std::make_shared<DataParallel>();
  return std::make_shared<SingleProcess>();
}

std::shared_ptr<Distribution>& global() {
  static std::shared_ptr<Distribution> value;
  if (!value) value = default_distribution();
  return value;
}

}  // namespace

BatchShard Distribution::shard_batch(int64_t batch_size) const {
  const int64_t n = num_replicas(), r = rank();
  if (n < 1 || r < 0 || r >= n)
    throw ValueError(cat("Distribution: rank() must be in [0, num_replicas()); got rank()=", r,
                         ", num_replicas()=", n));
  if (batch_size < n)
    throw ValueError(cat("Distribution: a batch of ", batch_size, " rows cannot be split over ", n,
                         " replicas; use a batch size of at least ", n));
  return {r * batch_size / n, (r + 1) * batch_size / n};
}

void set_distribution(std::shared_ptr<Distribution> value) {
  std::lock_guard<std::mutex> lock(g_mutex);
  global() = value ? std::move(value) : default_distribution();
}

std::shared_ptr<Distribution> distribution() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return global();
}

}  // namespace keras::distribution
