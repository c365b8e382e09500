#include "keras/models/sequential.h"

#include <regex>

#include "test_utils.h"

namespace keras::models {
namespace {

using namespace layers;
using testing::expect_error;

Sequential seed_cnn() {
  return Sequential({
      Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = Shape{28, 28, 1}}),
      MaxPooling2D(),
      Flatten(),
      Dense(128, "relu"),
      Dense(10, "softmax"),
  });
}

TEST(Sequential, SummaryMatchesKeras) {
  utils::clear_session();
  Sequential model = seed_cnn();
  // Keras 3.x prints exactly this for the seed model (80-column console).
  const std::string expected =
      "Model: \"sequential\"\n"
      "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n"
      "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n"
      "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n"
      "│ conv2d (Conv2D)                 │ (None, 26, 26, 32)     │           320 │\n"
      "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
      "│ max_pooling2d (MaxPooling2D)    │ (None, 13, 13, 32)     │             0 │\n"
      "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
      "│ flatten (Flatten)               │ (None, 5408)           │             0 │\n"
      "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
      "│ dense (Dense)                   │ (None, 128)            │       692,352 │\n"
      "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
      "│ dense_1 (Dense)                 │ (None, 10)             │         1,290 │\n"
      "└─────────────────────────────────┴────────────────────────┴───────────────┘\n"
      " Total params: 693,962 (2.65 MB)\n"
      " Trainable params: 693,962 (2.65 MB)\n"
      " Non-trainable params: 0 (0.00 B)\n";
  EXPECT_EQ(model.summary_string(), expected);

  // After a step with Adam, Keras adds the optimizer's state (two slots per weight,
  // plus iterations and learning rate).
  model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
  model.train_on_batch(Tensor::zeros({2, 28, 28, 1}), Tensor::from_vector<int64_t>({1, 2}));
  const std::string s = model.summary_string();
  EXPECT_NE(s.find(" Total params: 2,081,888 (7.94 MB)\n"), std::string::npos) << s;
  EXPECT_NE(s.find(" Optimizer params: 1,387,926 (5.29 MB)\n"), std::string::npos) << s;
}

TEST(Sequential, InputShapeSources) {
  Sequential a({Input({4}), Dense(2)});
  EXPECT_TRUE(a.built());
  EXPECT_EQ(*a.input_shape(), Shape({kNone, 4}));
  Sequential b;
  b.add(Dense(3, {.input_shape = Shape{5}}));
  b.add(Dense(1));
  EXPECT_EQ(b.layer_output_shapes().back(), Shape({kNone, 1}));
  // Without a shape the model is built by its first batch.
  Sequential c({Dense(3), Dense(2)});
  EXPECT_FALSE(c.built());
  EXPECT_NE(c.summary_string().find("0 (unbuilt)"), std::string::npos);
  EXPECT_EQ(c.predict(Tensor::ones({7, 6}), {.batch_size = 32, .verbose = 0, .callbacks = {}}).shape(), Shape({7, 2}));
  EXPECT_TRUE(c.built());
  EXPECT_EQ(c.count_params(), 6 * 3 + 3 + 3 * 2 + 2);
}

TEST(Sequential, PredictMatchesCallAndBatches) {
  Sequential m({Input({3}), Dense(4, "tanh"), Dense(2)});
  Tensor x = testing::random_tensor({10, 3}, 1);
  const Tensor direct = m(x);
  const Tensor batched = m.predict(x, {.batch_size = 3, .verbose = 0, .callbacks = {}});
  testing::expect_allclose(batched, direct, 1e-6, 1e-6, "predict vs call");
  testing::expect_allclose(m.predict_on_batch(x), direct, 1e-6, 1e-6, "predict_on_batch");
}

TEST(Sequential, RankFixUpAndDtypeCast) {
  Sequential m({Input({4, 4, 1}), Flatten(), Dense(2)});
  // (N, 4, 4) feeds a (None, 4, 4, 1) model; uint8 data is cast to float32.
  Tensor x = Tensor::ones({3, 4, 4}, DType::uint8);
  EXPECT_EQ(m.predict(x, {.batch_size = 32, .verbose = 0, .callbacks = {}}).shape(), Shape({3, 2}));
}

TEST(Sequential, FitHistoryAndValidation) {
  Sequential m({Input({2}), Dense(8, "relu"), Dense(2, "softmax")});
  m.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
  Tensor x = testing::random_tensor({64, 2}, 3);
  std::vector<int64_t> labels;
  for (float v : ops::sum(x, {1}).to_vector<float>()) labels.push_back(v > 0 ? 1 : 0);
  Tensor y = Tensor::from_vector(labels);
  auto h = m.fit(x, y, {.batch_size = 16, .epochs = 3, .verbose = 0, .validation_split = 0.25});
  for (const char* k : {"loss", "accuracy", "val_loss", "val_accuracy"}) {
    ASSERT_TRUE(h.history.count(k)) << k;
    EXPECT_EQ(h.history.at(k).size(), 3u) << k;
  }
  EXPECT_EQ(h.epoch, (std::vector<int>{0, 1, 2}));
  auto logs = m.evaluate(x, y, {.batch_size = 16, .verbose = 0, .callbacks = {}});
  EXPECT_TRUE(logs.count("loss") && logs.count("accuracy"));
  auto h2 = m.fit(x, y, {.batch_size = 16, .epochs = 1, .verbose = 0, .validation_data = std::pair{x, y}});
  EXPECT_NEAR(h2.history.at("val_loss")[0], m.evaluate(x, y, {.batch_size = 16, .verbose = 0, .callbacks = {}}).at("loss"),
              1e-5);
}

TEST(Sequential, TrainOnBatchLowersLoss) {
  Sequential m({Input({3}), Dense(1)});
  m.compile(optimizers::SGD({.learning_rate = 0.1}), "mse");
  Tensor x = testing::random_tensor({16, 3}, 5);
  Tensor y = ops::sum(x, {1}, true) * 2.0 + 1.0;
  const double first = m.train_on_batch(x, y).at("loss");
  double last = first;
  for (int i = 0; i < 50; ++i) last = m.train_on_batch(x, y).at("loss");
  EXPECT_LT(last, first * 0.05);
  EXPECT_NEAR(m.test_on_batch(x, y).at("loss"), last, last + 1e-3);
}

TEST(Sequential, EarlyStopping) {
  Sequential m({Input({2}), Dense(1)});
  m.compile(optimizers::SGD({.learning_rate = 0.0}), "mse");  // nothing improves
  Tensor x = Tensor::ones({8, 2}), y = Tensor::zeros({8, 1});
  auto stop = std::make_shared<callbacks::EarlyStopping>(callbacks::EarlyStoppingOptions{.monitor = "loss", .patience = 2});
  auto h = m.fit(x, y, {.batch_size = 8, .epochs = 20, .verbose = 0, .callbacks = {stop}});
  EXPECT_EQ(h.epoch.size(), 3u);
}

TEST(Sequential, Errors) {
  Sequential m = seed_cnn();
  Tensor x = Tensor::zeros({4, 28, 28, 1}), y = Tensor::zeros({4});
  expect_error<RuntimeError>([&] { m.fit(x, y); }, {"compile()"});
  m.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
  expect_error<ValueError>([&] { m.fit(x, Tensor::zeros({3})); }, {"Data cardinality", "'x' sizes: 4", "'y' sizes: 3"});
  expect_error<ValueError>([&] { m.fit(Tensor::zeros({4, 28, 29, 1}), y); },
                           {"expected shape=(None, 28, 28, 1)", "found shape=(4, 28, 29, 1)"});
  expect_error<ValueError>([&] { m.predict(Tensor::zeros({4, 784})); }, {"expected shape=(None, 28, 28, 1)"});
  expect_error<ValueError>([&] { m.fit(x, Tensor::full({4}, 10.0)); }, {"label value of 10", "[0, 10)"});
  expect_error<ValueError>([&] { m.fit(x, y, {.validation_split = 1.5}); }, {"validation_split"});
  expect_error<ValueError>([&] { m.compile("adamm", "mse"); }, {"optimizer", "adamm"});
  expect_error<ValueError>([&] { m.compile("adam", "msee"); }, {"loss", "msee"});
  expect_error<ValueError>([&] { m.compile("adam", "mse", {"acuracy"}); }, {"metric", "acuracy"});
  expect_error<ValueError>([&] { m.get_layer("nope"); }, {"No such layer: nope"});

  Sequential dup({Dense(2, {.name = "d"})});
  expect_error<ValueError>([&] { dup.add(Dense(3, {.name = "d"})); }, {"unique names", "\"d\""});
  expect_error<ValueError>([&] { dup.add(Input({3})); }, {"first"});
  Sequential empty;
  expect_error<ValueError>([&] { empty.predict(Tensor::ones({2, 2})); }, {"no layers"});
}

}  // namespace
}  // namespace keras::models
