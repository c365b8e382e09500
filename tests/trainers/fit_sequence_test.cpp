// One representative sequence training run: Embedding(mask_zero) + LSTM learns which of
// two tokens comes first in padded sequences of different lengths (counting tokens gives
// 50%), so the masks, the per-step recurrence and its gradients all have to be right.
#include <random>

#include "test_utils.h"

namespace keras {
namespace {

std::pair<Tensor, Tensor> order_task(int64_t n, int64_t max_len, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int32_t> ids(static_cast<size_t>(n * max_len), 0);
  std::vector<float> labels(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = std::uniform_int_distribution<int64_t>(4, max_len)(rng);
    int32_t* row = ids.data() + i * max_len;
    for (int64_t t = 0; t < len; ++t) row[t] = std::uniform_int_distribution<int32_t>(3, 19)(rng);
    std::uniform_int_distribution<int64_t> pos(0, len - 1);
    const int64_t a = pos(rng);
    int64_t b = pos(rng);
    while (b == a) b = pos(rng);
    row[a] = 1;
    row[b] = 2;
    labels[static_cast<size_t>(i)] = a < b ? 1.f : 0.f;
  }
  return {Tensor::from_vector(ids, {n, max_len}), Tensor::from_vector(labels, {n, 1})};
}

TEST(FitSequence, MaskedLstmLearnsTokenOrder) {
  utils::set_random_seed(3);
  const auto train = order_task(1500, 16, 1), test = order_task(500, 16, 2);
  Sequential model({Input({16}, {.dtype = DType::int32}), layers::Embedding(20, 8, {.mask_zero = true}),
                    layers::LSTM(16), layers::Dense(1, "sigmoid")});
  model.compile("adam", "binary_crossentropy", {"accuracy"});
  model.fit(train.first, train.second, {.batch_size = 32, .epochs = 5, .verbose = 0});
  const double acc = model.evaluate(test.first, test.second, {.batch_size = 256, .verbose = 0, .callbacks = {}}).at("accuracy");
  EXPECT_GT(acc, 0.9) << "test accuracy " << acc;
}

}  // namespace
}  // namespace keras
