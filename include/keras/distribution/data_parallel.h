// Data-parallel training on MPI (Keras 3's keras.distribution.DataParallel): every process
// holds the whole model, computes its shard of each global batch, and the gradients are
// averaged with MPI_Allreduce so that all processes apply the same update. Started with
// an MPI launcher:
//
//   mpirun -np 4 ./train            # the program is unchanged: under mpirun with several
//                                   # processes, distribution() is a DataParallel already
//
//   keras::distribution::set_distribution(
//       std::make_shared<keras::distribution::DataParallel>(DataParallelOptions{.timeout_seconds = 60}));
//
// What it does, per global batch of B rows over N processes: shard_batch gives rank r rows
// [r*B/N, (r+1)*B/N); the gradients are summed in buckets of about bucket_bytes, each
// started (MPI_Iallreduce) as soon as backward has finished its gradients, so the
// communication overlaps the rest of backward; each process's gradient is weighted by its
// share of the batch, so the sum is the whole batch's mean gradient (the same update as
// one process with the global batch, to float rounding). Metrics, losses and the
// progress bar's numbers are global. Only rank 0 prints the progress bar and writes files
// (saves wait on a barrier so every process can load right after).
//
// A process that dies or stops answering makes every collective fail within
// timeout_seconds: the survivors print which collective and which step waited, and the
// job is aborted (MPI_Abort) rather than left hanging.
#pragma once

#include <cstdint>
#include <memory>

#include "keras/distribution/distribution.h"

namespace keras::distribution {

struct DataParallelOptions {
  /// Gradients are combined in buckets of at least this many bytes (the last one smaller);
  /// 25 MiB is PyTorch DDP's default. Smaller buckets start earlier, larger ones pay the
  /// per-message latency less often.
  int64_t bucket_bytes = 25ll << 20;
  /// A collective that has not completed after this long aborts the job (a lost or hung
  /// process). The environment variable KERAS_COLLECTIVE_TIMEOUT (seconds) overrides it.
  double timeout_seconds = 300.0;
};

/// What DataParallel has sent so far (the speed measurements read it).
struct DataParallelStats {
  int64_t steps = 0;                  ///< reduce_gradients calls
  int64_t gradient_bytes = 0;         ///< bytes of gradient reduced (each process's contribution)
  int64_t buckets = 0;                ///< all-reduce operations started for gradients
  int64_t buckets_started_early = 0;  ///< of those, started during backward (before reduce_gradients)
  /// Time reduce_gradients spent on the all-reduces (starting the buckets backward had
  /// not filled, and waiting): the communication backward did not hide.
  double wait_seconds = 0;
  /// Time from the first bucket's start (during backward, when one started then) to the
  /// last one's end; reduce_seconds - wait_seconds was hidden behind backward.
  double reduce_seconds = 0;
};

class DataParallel : public Distribution {
 public:
  /// Joins the MPI job (MPI_Init_thread on first use; finalized at exit). Without an MPI
  /// build, works for one process and throws RuntimeError when a launcher started several.
  explicit DataParallel(DataParallelOptions options = {});
  ~DataParallel() override;
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  int num_replicas() const override;
  int rank() const override;
  BatchShard shard_batch(int64_t batch_size) const override;
  void gradient_ready(size_t index, const Tensor& grad) override;
  void reduce_gradients(TensorList& grads) override;
  void reduce_metric_states(std::span<double> states) override;
  void broadcast(TensorList& values) override;
  Tensor all_gather_rows(const Tensor& local) override;
  Tensor all_reduce_sum(const Tensor& t) override;
  void barrier() override;

  const DataParallelOptions& options() const { return options_; }
  DataParallelStats stats() const;

  /// Whether this library was built with MPI.
  static bool available();
  /// The number of processes an MPI launcher started (its environment), 1 without one.
  static int launched_processes();

 private:
  struct Impl;
  DataParallelOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keras::distribution
