// The distribution hook of the training step (keras.distribution): what a model's
// train_step asks of "the other processes" when several train one model together.
// Keras 3 keeps the same seam (keras/src/distribution/distribution_lib.py: a global
// Distribution set with set_distribution, which decides how batches are split); ours
// only carries the three things data-parallel training needs:
//   (a) shard_batch          which rows of each global batch this process computes;
//   (b) reduce_gradients     combine the processes' gradients before the optimizer applies them;
//   (c) reduce_metric_states add up the metrics' accumulators before results are read.
// SingleProcess, the default, does nothing. MPI / NCCL implementations plug in here.
//
//   keras::distribution::set_distribution(std::make_shared<MyMpiDataParallel>());
//   model.fit(x, y);   // every process runs this on the same x and y
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "keras/tensor/tensor.h"

namespace keras::distribution {

/// Rows [begin, end) of a global batch.
struct BatchShard {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
};

/// The interface a multi-process backend implements. Every process runs the same fit /
/// evaluate loop, so each hook is called the same number of times, in the same order, on
/// every process: an implementation may block in a hook until all processes reach it
/// (a collective call, as MPI_Allreduce is).
class Distribution {
 public:
  virtual ~Distribution() = default;

  /// How many processes train together, and which one this is (0 <= rank() < num_replicas()).
  virtual int num_replicas() const = 0;
  virtual int rank() const = 0;

  /// (a) The rows of a global batch of `batch_size` rows that this process computes.
  /// fit / evaluate / train_on_batch / test_on_batch slice x and y with it before calling
  /// train_step / test_step (predict is not sharded). The default splits the batch into
  /// num_replicas() contiguous parts whose sizes differ by at most one; a batch smaller
  /// than num_replicas() is an error, since a process without rows has no mean loss.
  /// Equal parts (a batch size divisible by num_replicas()) make the mean of the
  /// processes' mean losses the global batch's mean loss.
  virtual BatchShard shard_batch(int64_t batch_size) const;

  /// (b) Called by train_step between the gradients and the optimizer, with this process's
  /// gradients in trainable_weights() order, to be replaced in place by the combined ones
  /// (all-reduce mean for data parallelism over equal shards; sum where the loss sums over
  /// the global batch). An entry may be undefined (a weight the loss does not depend on):
  /// it is so on every process and stays so.
  virtual void reduce_gradients(TensorList& grads) = 0;

  /// (c) Called each time the metrics' results are read (Model::get_metrics_result), with
  /// every metric's state variables (Metric::variables()) of this process laid end to end,
  /// to be replaced in place by their sums over all processes. All of our metrics'
  /// states add up across processes (Keras creates them with aggregation="sum"): a
  /// Mean's total and count. The model reads the results from the sums and then puts
  /// its local states back, so reading twice never counts twice.
  virtual void reduce_metric_states(std::span<double> states) = 0;
};

/// One process, nothing to shard or reduce: the default.
class SingleProcess : public Distribution {
 public:
  int num_replicas() const override { return 1; }
  int rank() const override { return 0; }
  BatchShard shard_batch(int64_t batch_size) const override { return {0, batch_size}; }
  void reduce_gradients(TensorList&) override {}
  void reduce_metric_states(std::span<double>) override {}
};

/// Sets the distribution every model uses unless it has its own (Model::set_distribution);
/// null restores SingleProcess. Keras 3's keras.distribution.set_distribution.
void set_distribution(std::shared_ptr<Distribution> value);
/// The distribution set with set_distribution (a shared SingleProcess by default).
/// Keras 3's keras.distribution.distribution().
std::shared_ptr<Distribution> distribution();

}  // namespace keras::distribution
