// Encoder-decoder: RepeatVector + LSTM + TimeDistributed(Dense) learning to reverse a
// sequence of digits. The encoder LSTM reads the digits into one vector, RepeatVector
// hands it to every output step, and the decoder LSTM with a TimeDistributed softmax
// writes the digits back in reverse order. The data are generated: random digits 0-9.
//
// Usage: seq2seq_reverse [--train N (10000)] [--epochs N (25)] [--length N (6)]
#include <cstdio>
#include <random>

#include "example_utils.h"

using namespace keras;

namespace {

std::pair<Tensor, Tensor> make_data(int64_t n, int64_t len, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> digit(0, 9);
  std::vector<int32_t> x(static_cast<size_t>(n * len)), y(x.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t t = 0; t < len; ++t) x[static_cast<size_t>(i * len + t)] = digit(rng);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t t = 0; t < len; ++t) y[static_cast<size_t>(i * len + t)] = x[static_cast<size_t>(i * len + len - 1 - t)];
  return {Tensor::from_vector(x, {n, len}), Tensor::from_vector(y, {n, len})};
}

}  // namespace

int main(int argc, char** argv) try {
  const int64_t n_train = examples::int_flag(argc, argv, "--train", 10000);
  const int epochs = static_cast<int>(examples::int_flag(argc, argv, "--epochs", 25));
  const int64_t len = examples::int_flag(argc, argv, "--length", 6);
  const auto train = make_data(n_train, len, 1), test = make_data(1000, len, 2);

  utils::set_random_seed(7);
  Sequential model({Input({len}, {.dtype = DType::int32}), layers::Embedding(10, 16), layers::LSTM(128),
                    layers::RepeatVector(len), layers::LSTM(128, {.return_sequences = true}),
                    layers::TimeDistributed(layers::Dense(10, "softmax"))});
  model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
  model.summary();
  model.fit(train.first, train.second, {.batch_size = 64, .epochs = epochs, .verbose = 2});

  const Tensor pred = ops::argmax(model.predict(test.first, {.batch_size = 256, .verbose = 0, .callbacks = {}}), -1);
  const auto p = pred.to_vector<int64_t>(), t = test.second.to_vector<int64_t>();
  int64_t right = 0, whole = 0;
  for (int64_t i = 0; i < 1000; ++i) {
    bool all = true;
    for (int64_t k = 0; k < len; ++k) {
      const bool ok = p[static_cast<size_t>(i * len + k)] == t[static_cast<size_t>(i * len + k)];
      right += ok;
      all &= ok;
    }
    whole += all;
  }
  std::printf("\ntest: %.4f of digits and %.4f of whole sequences reversed correctly (chance: 0.1 per digit)\n",
              static_cast<double>(right) / static_cast<double>(1000 * len), static_cast<double>(whole) / 1000.0);
  std::printf("example: ");
  for (int64_t k = 0; k < len; ++k) std::printf("%d", test.first.at<int>({0, k}));
  std::printf(" -> ");
  for (int64_t k = 0; k < len; ++k) std::printf("%ld", static_cast<long>(p[static_cast<size_t>(k)]));
  std::printf("\n");
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "seq2seq_reverse: %s\n", e.what());
  return 1;
}
