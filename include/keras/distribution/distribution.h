// The distribution hook of the training step (keras.distribution): what a model's
// train_step asks of "the other processes" when several train one model together.
// Keras 3 keeps the same seam (keras/src/distribution/distribution_lib.py: a global
// Distribution set with set_distribution, which decides how batches are split); ours
// carries what data-parallel training needs:
//   (a) shard_batch          which rows of each global batch this process computes;
//   (b) reduce_gradients     combine the processes' gradients before the optimizer applies
//                            them (gradient_ready lets it start while backward still runs);
//   (c) reduce_metric_states add up the metrics' accumulators before results are read;
//   (d) broadcast            make every process start fit from rank 0's weights and state;
//   (e) all_gather_rows, all_reduce_sum, barrier: predict's gather, synchronized batch
//                            statistics, and files written by rank 0 for all to read.
// SingleProcess, the default, does nothing. DataParallel (keras/distribution/data_parallel.h)
// implements it on MPI; a program started by mpirun with several processes gets it by default.
//
//   keras::distribution::set_distribution(std::make_shared<keras::distribution::DataParallel>());
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

  /// (b, early) Called during backward, before reduce_gradients, as each gradient becomes
  /// final: `index` into trainable_weights() and the gradient that reduce_gradients will get
  /// at that index. An implementation may start combining it (in buckets) so that the
  /// communication overlaps the rest of backward. Gradients arrive in the same order on every
  /// process (the backward walk is deterministic); some may never arrive (undefined ones, or
  /// a custom train_step that takes gradients another way), so reduce_gradients must handle
  /// every entry. Default: nothing.
  virtual void gradient_ready(size_t /*index*/, const Tensor& /*grad*/) {}

  /// (d) Replaces every entry by rank 0's (a new tensor or the same one written in place; the
  /// caller assigns the results back). fit calls it once before its first step with the
  /// model's weights, then with the optimizer's state if it has one, so that processes whose
  /// initialisers or loaded files differ start alike. Default: nothing (one process).
  virtual void broadcast(TensorList& /*values*/) {}

  /// (e) Every process's `local` rows, concatenated along axis 0 in rank order (predict
  /// shards its batches and gathers the outputs with it). Default: `local`.
  virtual Tensor all_gather_rows(const Tensor& local) { return local; }

  /// (e) The elementwise sum of `t` over all processes (same shape and dtype on every
  /// process); not recorded by a GradientTape (callers that differentiate through it, as
  /// synchronized BatchNormalization does, reduce the gradient themselves). Default: `t`.
  virtual Tensor all_reduce_sum(const Tensor& t) { return t; }

  /// (e) Returns once every process has called it (after rank 0 wrote a file, before the
  /// others read it). Default: nothing.
  virtual void barrier() {}

  /// Whether this process writes files (the progress bar, saves, callbacks' logs): rank 0.
  bool is_chief() const { return rank() == 0; }
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
/// null restores the default (see distribution()). Keras 3's keras.distribution.set_distribution.
void set_distribution(std::shared_ptr<Distribution> value);
/// The distribution set with set_distribution. By default a shared SingleProcess, or a
/// DataParallel when the program was started by an MPI launcher with several processes
/// (mpirun -np 2 ./program: the program needs no change to train distributed).
/// Keras 3's keras.distribution.distribution().
std::shared_ptr<Distribution> distribution();

}  // namespace keras::distribution
