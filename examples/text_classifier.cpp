// NLP: a text classifier with Embedding + LSTM, and a Bidirectional variant, on padded
// token sequences of different lengths (Embedding(mask_zero=True) masks the padding).
//
// Debian ships no labelled text corpus that fits, so the data are generated, honestly
// said: every sequence holds filler tokens plus one "A" and one "B" token at random
// places, and the label is whether A comes before B. Both tokens are always present, so
// counting words gives 50%; only a model that follows the order over the whole sequence
// (up to 40 steps apart) gets it right.
//
// Usage: text_classifier [--train N (4000)] [--epochs N (6)] [--batch-size N (64)]
#include <cstdio>
#include <random>

#include "example_utils.h"

using namespace keras;

namespace {

constexpr int64_t kVocab = 50, kMaxLen = 40, kTokenA = 1, kTokenB = 2;

/// (ids (n, kMaxLen) int32 padded with 0 at the end, labels (n, 1) float).
std::pair<Tensor, Tensor> make_data(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int32_t> ids(static_cast<size_t>(n * kMaxLen), 0);
  std::vector<float> labels(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = std::uniform_int_distribution<int64_t>(10, kMaxLen)(rng);
    int32_t* row = ids.data() + i * kMaxLen;
    for (int64_t t = 0; t < len; ++t) row[t] = std::uniform_int_distribution<int32_t>(3, kVocab - 1)(rng);
    std::uniform_int_distribution<int64_t> pos(0, len - 1);
    const int64_t a = pos(rng);
    int64_t b = pos(rng);
    while (b == a) b = pos(rng);
    row[a] = kTokenA;
    row[b] = kTokenB;
    labels[static_cast<size_t>(i)] = a < b ? 1.f : 0.f;
  }
  return {Tensor::from_vector(ids, {n, kMaxLen}), Tensor::from_vector(labels, {n, 1})};
}

double train_and_test(Sequential& model, const std::pair<Tensor, Tensor>& train, const std::pair<Tensor, Tensor>& test,
                      int epochs, int64_t batch) {
  model.compile("adam", "binary_crossentropy", {"accuracy"});
  model.summary();
  model.fit(train.first, train.second, {.batch_size = batch, .epochs = epochs, .verbose = 2, .validation_split = 0.1});
  return model.evaluate(test.first, test.second, {.batch_size = 256, .verbose = 0, .callbacks = {}}).at("accuracy");
}

}  // namespace

int main(int argc, char** argv) try {
  const int64_t n_train = examples::int_flag(argc, argv, "--train", 4000);
  const int epochs = static_cast<int>(examples::int_flag(argc, argv, "--epochs", 6));
  const int64_t batch = examples::int_flag(argc, argv, "--batch-size", 64);
  const auto train = make_data(n_train, 1), test = make_data(1000, 2);
  std::printf("Task: does token A come before token B? %ld training sequences of 10-%ld tokens, 1000 test\n",
              static_cast<long>(n_train), static_cast<long>(kMaxLen));

  utils::set_random_seed(3);
  Sequential lstm({Input({kMaxLen}, {.dtype = DType::int32}), layers::Embedding(kVocab, 16, {.mask_zero = true}),
                   layers::LSTM(32), layers::Dense(1, "sigmoid")});
  const double lstm_acc = train_and_test(lstm, train, test, epochs, batch);

  utils::set_random_seed(3);
  Sequential bidir({Input({kMaxLen}, {.dtype = DType::int32}), layers::Embedding(kVocab, 16, {.mask_zero = true}),
                    layers::Bidirectional(layers::LSTM(16)), layers::Dense(1, "sigmoid")});
  const double bidir_acc = train_and_test(bidir, train, test, epochs, batch);

  std::printf("\ntest accuracy (chance and word counting: 0.50)\n  Embedding + LSTM:               %.4f\n"
              "  Embedding + Bidirectional(LSTM): %.4f\n", lstm_acc, bidir_acc);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "text_classifier: %s\n", e.what());
  return 1;
}
