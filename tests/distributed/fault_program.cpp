// A data-parallel fit in which rank 1 fails: run by run_fault.cmake under mpirun.
//   fault_program kill|hang          rank 1 dies / stops answering at its fourth step; the
//                                    others must stop within a bounded time, with a message
//   fault_program restore DIR E      3 epochs with BackupAndRestore(DIR); with E >= 0, rank 1
//                                    dies in epoch E. Prints a checksum of the final weights,
//                                    which a relaunch must reproduce.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "keras/keras.h"

using namespace keras;

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "kill";
  const bool restore = mode == "restore" && argc > 3;
  const int die_in_epoch = restore ? std::atoi(argv[3]) : 0;
  const auto dist = distribution::distribution();
  utils::set_random_seed(1);
  auto in = Input({16});
  auto out = layers::Dense(4, "softmax")(layers::Dense(32, "relu")(in));
  models::Model model(in, out);
  model.compile({.optimizer = "adam", .loss = "sparse_categorical_crossentropy"});
  const int64_t n = restore ? 512 : 4096;
  const Tensor x = random::uniform({n, 16}, -1.0, 1.0, uint64_t{2});
  const Tensor y = ops::cast(random::uniform({n}, 0.0, 3.99, uint64_t{3}), DType::int64);
  int epoch_now = 0;
  auto fail = std::make_shared<callbacks::LambdaCallback>(callbacks::LambdaCallbackOptions{
      .on_epoch_begin = [&](int epoch, const callbacks::Logs&) { epoch_now = epoch; },
      .on_train_batch_begin =
          [&](int64_t step, const callbacks::Logs&) {
            if (dist->rank() != 1 || step != 3 || die_in_epoch < 0 || epoch_now != die_in_epoch) return;
            std::fprintf(stderr, "fault_program: rank 1 %s at step 3 of epoch %d\n", mode == "hang" ? "hangs" : "dies",
                         epoch_now + 1);
            std::fflush(stderr);
            if (mode != "hang") ::raise(SIGKILL);
            for (;;) ::pause();
          }});
  std::vector<std::shared_ptr<callbacks::Callback>> cbs{fail};
  if (restore) cbs.push_back(std::make_shared<callbacks::BackupAndRestore>(argv[2]));
  model.fit(x, y, {.batch_size = 32, .epochs = restore ? 3 : 1000, .verbose = 0, .callbacks = cbs, .shuffle = false});
  if (!restore) {
    std::printf("fault_program: training finished, which it should not have\n");
    return 0;
  }
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the weights' bytes
  for (const auto& w : model.get_weights()) {
    const auto* p = static_cast<const unsigned char*>(w.raw_data());
    for (size_t i = 0; i < w.nbytes(); ++i) h = (h ^ p[i]) * 1099511628211ull;
  }
  if (dist->is_chief()) std::printf("weights_checksum %016llx\n", static_cast<unsigned long long>(h));
  return 0;
}
