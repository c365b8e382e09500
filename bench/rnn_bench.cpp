// Recurrent workloads, timed in this library; bench/rnn.py runs the same in PyTorch and
// prints the ratios. One "name milliseconds" line each.
//
//   text_classifier_train_step  Embedding(10000, 128) -> LSTM(64) -> Dense(1, sigmoid),
//                               batch 64 of length-200 sequences: forward, backward, Adam
//   text_classifier_predict     the same model, inference on one batch of 64
//   gru_seq_fwd_bwd             GRU(128, return_sequences=True) on (64, 100, 32), forward
//                               and backward (input and weight gradients)
#include <cstdio>

#include "bench_utils.h"

using namespace keras;
using bench::median_ms;

int main(int argc, char** argv) {
  bench::apply_thread_flag(argc, argv);
  utils::set_random_seed(0);
  std::printf("threads %d\n", config::num_threads());
  {
    Sequential model({Input({200}, {.dtype = DType::int32}), layers::Embedding(10000, 128), layers::LSTM(64),
                      layers::Dense(1, "sigmoid")});
    model.compile("adam", "binary_crossentropy");
    const Tensor ids = ops::cast(random::uniform({64, 200}, 0, 10000), DType::int32);
    const Tensor y = ops::cast(ops::greater(random::uniform({64, 1}), Tensor::scalar(0.5)), DType::float32);
    std::printf("text_classifier_train_step %.3f\n", median_ms([&] { model.train_on_batch(ids, y); }, 2, 10));
    std::printf("text_classifier_predict %.3f\n", median_ms([&] { model.predict_on_batch(ids); }, 2, 10));
  }
  {
    layers::GRU gru(128, {.return_sequences = true});
    Tensor x = random::normal({64, 100, 32});
    x.set_requires_grad(true);
    gru(x);
    TensorList sources{x};
    for (const auto& w : gru.trainable_weights()) sources.push_back(w.value());
    std::printf("gru_seq_fwd_bwd %.3f\n", median_ms(
                                              [&] {
                                                autograd::GradientTape tape;
                                                tape.gradient(ops::sum(gru(x, true)), sources);
                                              },
                                              2, 10));
  }
  return 0;
}
