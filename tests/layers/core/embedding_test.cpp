// Embedding and Masking: values, the masks they make, gradients, configs, errors.
#include <nlohmann/json.hpp>
#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;

TEST(Embedding, LooksUpRowsAndMasksZero) {
  Embedding e(5, 3, {.mask_zero = true});
  const Tensor ids = Tensor::from_vector<int32_t>({1, 0, 4, 2, 2, 0}, {2, 3});
  const Tensor y = e(ids);
  EXPECT_EQ(y.shape(), Shape({2, 3, 3}));
  const Tensor table = e.embeddings().value();
  for (int64_t j = 0; j < 3; ++j) {
    EXPECT_EQ(y.at<float>({0, 2, j}), table.at<float>({4, j}));
    EXPECT_EQ(y.at<float>({1, 0, j}), table.at<float>({2, j}));
  }
  EXPECT_EQ(y.keras_mask().to_vector<int>(), (std::vector<int>{1, 0, 1, 1, 1, 0}));
  // Float indices are truncated, as Keras casts them.
  testing::expect_allclose(e(Tensor::from_vector<float>({1, 0, 4, 2, 2, 0}, {2, 3})), y, 0, 0, "float ids");
  EXPECT_FALSE(Embedding(5, 3)(ids).keras_mask().defined());
  // Keras's default initializer: uniform in [-0.05, 0.05].
  EXPECT_LE(ops::max(ops::abs(table)).item<double>(), 0.05);
}

TEST(Embedding, GradientReachesTheRowsUsed) {
  Embedding e(6, 2);
  const Tensor ids = Tensor::from_vector<int32_t>({1, 3, 3, 5}, {2, 2});
  e(ids);
  testing::check_gradients([&](const TensorList&) { return e(ids); }, {e.embeddings().value()});
  // Config round trip and a training step (indices have no gradient, so not run_layer_test).
  Embedding masked(10, 4, {.mask_zero = true});
  masked(ids);
  auto copy = saving::deserialize_layer(saving::serialize_layer(masked));
  copy->set_weights(masked.get_weights());
  testing::expect_allclose((*copy)(ids), masked(ids), 0, 0, "from_config");
  EXPECT_EQ(saving::get_config(*copy).dump(), saving::get_config(masked).dump());
  Sequential model({Input({2}, {.dtype = DType::int32}), Embedding(10, 4), Flatten(), Dense(1)});
  model.compile("sgd", "mse");
  const double before = model.evaluate(ids, Tensor::ones({2, 1}), {.batch_size = 32, .verbose = 0, .callbacks = {}}).at("loss");
  for (int i = 0; i < 20; ++i) model.train_on_batch(ids, Tensor::ones({2, 1}));
  EXPECT_LT(model.evaluate(ids, Tensor::ones({2, 1}), {.batch_size = 32, .verbose = 0, .callbacks = {}}).at("loss"), before);
}

TEST(Embedding, BadIndicesAreErrors) {
  Embedding e(5, 3, {.name = "tokens"});
  expect_error<ValueError>([&] { e(Tensor::from_vector<int32_t>({1, 5}, {1, 2})); }, {"tokens", "index 5", "input_dim=5", "(1, 2)"});
  expect_error<ValueError>([&] { e(Tensor::from_vector<int32_t>({-1}, {1, 1})); }, {"tokens", "index -1"});
  expect_error<ValueError>([] { Embedding(0, 3); }, {"input_dim", "0"});
}

TEST(Masking, ZeroesAndMasksPaddingSteps) {
  Masking m(0.0);
  const Tensor x = Tensor::from_vector<float>({1, 2, 0, 0, 3, 0, 0, 0, 0, 0, 0, 5}, {2, 3, 2});
  const Tensor y = m(x);
  testing::expect_allclose(y, x, 0, 0, "values kept");
  EXPECT_EQ(y.keras_mask().to_vector<int>(), (std::vector<int>{1, 0, 1, 0, 0, 1}));
  Masking nines(9.0);
  const Tensor z = nines(Tensor::from_vector<float>({9, 9, 1, 9}, {1, 2, 2}));
  EXPECT_EQ(z.to_vector<float>(), (std::vector<float>{0, 0, 1, 9}));
  EXPECT_EQ(z.keras_mask().to_vector<int>(), (std::vector<int>{0, 1}));
  testing::run_layer_test([] { return Masking(0.5); }, {2, 3, 4}, {2, 3, 4});
}

}  // namespace
}  // namespace keras::layers
