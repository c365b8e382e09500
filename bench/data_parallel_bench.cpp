// Data-parallel training cost on this machine: run alone (1 process) or under
// `mpirun -np N` (DataParallel, set by default under a launcher). Trains the seed CNN or
// the text LSTM for a fixed number of global batches and prints, from rank 0, one
// "name value" line per measurement: step time, the gradient's size and the bytes each
// process sent into all-reduces per step, how many buckets started during backward, and
// the fraction of all-reduce time that backward hid (1 - waited / all-reduce wall time).
// bench/data_parallel.py runs it beside PyTorch's DistributedDataParallel (gloo).
//
// Usage: data_parallel_bench --model cnn|lstm [--threads N] [--batch B] [--steps S]
//                            [--bucket-kib K]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "keras/keras.h"

using namespace keras;
using Clock = std::chrono::steady_clock;

namespace {

models::Model make_model(const std::string& which) {
  if (which == "cnn") {
    auto in = Input({28, 28, 1});
    auto h = layers::Conv2D(32, {3, 3}, {.activation = "relu"})(in);
    h = layers::Flatten()(layers::MaxPooling2D()(h));
    h = layers::Dense(128, "relu")(h);
    return models::Model(in, layers::Dense(10, "softmax")(h));
  }
  // bench/rnn.py's text classifier: Embedding(10000, 128) -> LSTM(64) -> Dense(1).
  auto in = Input({200}, {.dtype = DType::int32});
  auto h = layers::LSTM(64)(layers::Embedding(10000, 128)(in));
  return models::Model(in, layers::Dense(1, "sigmoid")(h));
}

}  // namespace

int main(int argc, char** argv) {
  std::string which = "cnn";
  int64_t batch = 64, steps = 60, bucket_kib = 0;
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--model")) which = argv[i + 1];
    if (!std::strcmp(argv[i], "--threads")) config::set_num_threads(std::atoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--batch")) batch = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--steps")) steps = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--bucket-kib")) bucket_kib = std::atoll(argv[i + 1]);
  }
  if (bucket_kib > 0)
    distribution::set_distribution(std::make_shared<distribution::DataParallel>(
        distribution::DataParallelOptions{.bucket_bytes = bucket_kib << 10}));
  const auto dist = distribution::distribution();
  utils::set_random_seed(0);
  const int64_t n = batch * steps;
  Tensor x, y;
  if (which == "cnn") {
    x = random::uniform({n, 28, 28, 1}, 0.0, 1.0, uint64_t{1});
    y = ops::cast(random::uniform({n}, 0.0, 9.99, uint64_t{2}), DType::int64);
  } else {
    x = ops::cast(random::uniform({n, 200}, 0.0, 9999.0, uint64_t{1}), DType::int32);
    y = ops::cast(random::uniform({n}, 0.0, 1.99, uint64_t{2}), DType::float32);
  }
  models::Model model = make_model(which);
  model.compile(
      {.optimizer = "adam", .loss = which == "cnn" ? "sparse_categorical_crossentropy" : "binary_crossentropy"});
  // Warm-up: primitive creation and first touch are not part of a step.
  model.fit(x.slice(0, batch * 3), y.slice(0, batch * 3), {.batch_size = batch, .epochs = 1, .verbose = 0});
  const auto dp = std::dynamic_pointer_cast<distribution::DataParallel>(dist);
  const distribution::DataParallelStats before = dp ? dp->stats() : distribution::DataParallelStats{};
  dist->barrier();
  const auto t = Clock::now();
  model.fit(x, y, {.batch_size = batch, .epochs = 1, .verbose = 0, .shuffle = false});
  dist->barrier();
  const double seconds = std::chrono::duration<double>(Clock::now() - t).count();
  if (!dist->is_chief()) return 0;
  int64_t grad_bytes = 0;
  for (const auto& w : model.trainable_weights()) grad_bytes += w.shape().num_elements() * 4;
  std::printf("model %s\nprocesses %d\nthreads %d\nglobal_batch %ld\n", which.c_str(), dist->num_replicas(),
              config::num_threads(), static_cast<long>(batch));
  std::printf("step_ms %.3f\n", 1e3 * seconds / static_cast<double>(steps));
  std::printf("gradient_bytes %ld\n", static_cast<long>(grad_bytes));
  if (dp && dist->num_replicas() > 1) {
    const distribution::DataParallelStats s = dp->stats();
    const double k = static_cast<double>(s.steps - before.steps);
    std::printf("reduced_bytes_per_step %.0f\n", static_cast<double>(s.gradient_bytes - before.gradient_bytes) / k);
    // A ring all-reduce sends 2 (N-1)/N of the buffer from each process.
    const double p = dist->num_replicas();
    std::printf("sent_bytes_per_step_ring %.0f\n",
                2.0 * (p - 1) / p * static_cast<double>(s.gradient_bytes - before.gradient_bytes) / k);
    std::printf("buckets_per_step %.2f\n", static_cast<double>(s.buckets - before.buckets) / k);
    std::printf("buckets_started_in_backward %.2f\n",
                static_cast<double>(s.buckets_started_early - before.buckets_started_early) /
                    std::max(1.0, static_cast<double>(s.buckets - before.buckets)));
    const double reduce = s.reduce_seconds - before.reduce_seconds, wait = s.wait_seconds - before.wait_seconds;
    std::printf("allreduce_ms_per_step %.3f\nwait_ms_per_step %.3f\nhidden_fraction %.3f\n", 1e3 * reduce / k,
                1e3 * wait / k, reduce > 0 ? 1.0 - wait / reduce : 0.0);
  }
  return 0;
}
