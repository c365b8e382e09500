// fit / evaluate with sample_weight and class_weight (Keras's array data adapter and
// compiled loss): weights scale each sample's loss before the reduction, a weight of zero
// removes a sample, class_weight is a sample weight read from the labels.
#include <cmath>
#include <nlohmann/json.hpp>

#include "keras/saving/saving.h"
#include "saving/legacy_h5.h"
#include "test_utils.h"

namespace keras {
namespace {

using testing::expect_error;

std::vector<float> flat_weights(const Model& m) {
  std::vector<float> out;
  for (const auto& w : m.weights()) {
    const auto v = w.value().to_vector<float>();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

Sequential linear(losses::Loss loss = "mse") {
  Sequential m({Input({3}), layers::Dense(2, {.kernel_initializer = initializers::GlorotUniform(5)})});
  m.compile(optimizers::SGD({.learning_rate = 0.05}), std::move(loss));
  return m;
}

TEST(SampleWeight, ZeroWeightsRemoveSamplesExactly) {
  // One full batch and a "sum" reduction: the zero-weighted half contributes nothing, so
  // the steps equal training on the other half alone.
  const Tensor x = testing::random_tensor({8, 3}, 1), y = testing::random_tensor({8, 2}, 2);
  const Tensor w = Tensor::from_vector(std::vector<float>{1, 0, 1, 0, 1, 0, 1, 0}, Shape{8});
  const Tensor keep = Tensor::from_vector(std::vector<int32_t>{0, 2, 4, 6}, Shape{4});
  Sequential weighted = linear(losses::MeanSquaredError({.reduction = "sum"}));
  Sequential half = linear(losses::MeanSquaredError({.reduction = "sum"}));
  weighted.fit(x, y, {.batch_size = 8, .epochs = 5, .verbose = 0, .shuffle = false, .sample_weight = {w}});
  half.fit(ops::take_rows(x, keep), ops::take_rows(y, keep),
           {.batch_size = 8, .epochs = 5, .verbose = 0, .shuffle = false});
  const auto a = flat_weights(weighted), b = flat_weights(half);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6);
}

TEST(SampleWeight, EvaluateWeighsEachSampleLossThenAveragesOverTheBatch) {
  // Keras's sum_over_batch_size: sum(w_i * mse_i) / n, whatever the weights add up to.
  const Tensor x = testing::random_tensor({6, 3}, 3), y = testing::random_tensor({6, 2}, 4);
  const std::vector<float> wv{0.5f, 2.f, 0.f, 1.f, 3.f, 1.f};
  Sequential m = linear();
  const auto p = m.predict(x, {.verbose = 0}).to_vector<float>(), yv = y.to_vector<float>();
  double want = 0;
  for (size_t i = 0; i < 6; ++i) {
    double mse = 0;
    for (size_t j = 0; j < 2; ++j) mse += std::pow(p[i * 2 + j] - yv[i * 2 + j], 2) / 2;
    want += wv[i] * mse / 6;
  }
  const Tensor w = Tensor::from_vector(wv, Shape{6});
  EXPECT_NEAR(m.evaluate(x, y, {.batch_size = 6, .verbose = 0, .sample_weight = {w}}).at("loss"), want, 1e-5);
  // (samples, 1) weights and integer weights mean the same.
  EXPECT_NEAR(m.evaluate(x, y, {.batch_size = 6, .verbose = 0, .sample_weight = {ops::reshape(w, {6, 1})}}).at("loss"),
              want, 1e-5);
  // fit's validation_data with weights reports the same as evaluate.
  const auto h =
      m.fit(x, y, {.batch_size = 6, .epochs = 1, .verbose = 0, .validation_data = models::ValidationData(x, y, w)});
  EXPECT_NEAR(h.history.at("val_loss")[0],
              m.evaluate(x, y, {.batch_size = 6, .verbose = 0, .sample_weight = {w}}).at("loss"), 1e-5);
}

TEST(SampleWeight, PerTimestepWeightsForSequences) {
  // (samples, timesteps) weights on a (samples, timesteps, 1) output: the loss of each
  // step is weighed, then averaged over every step of the batch.
  Sequential m({Input({4, 2}), layers::Dense(1, {.kernel_initializer = initializers::GlorotUniform(6)})});
  m.compile("sgd", "mse");
  const Tensor x = testing::random_tensor({3, 4, 2}, 7), y = testing::random_tensor({3, 4, 1}, 8);
  const Tensor w = testing::random_tensor({3, 4}, 9, 0.0, 2.0);
  const auto p = m.predict(x, {.verbose = 0}).to_vector<float>(), yv = y.to_vector<float>(), wv = w.to_vector<float>();
  double want = 0;
  for (size_t i = 0; i < 12; ++i) want += wv[i] * std::pow(p[i] - yv[i], 2) / 12;
  EXPECT_NEAR(m.evaluate(x, y, {.verbose = 0, .sample_weight = {w}}).at("loss"), want, 1e-5);
  // Training with them lowers the weighted loss.
  m.fit(x, y, {.batch_size = 3, .epochs = 20, .verbose = 0, .sample_weight = {w}});
  EXPECT_LT(m.evaluate(x, y, {.verbose = 0, .sample_weight = {w}}).at("loss"), want);
}

TEST(ClassWeight, IsTheSampleWeightOfEachLabel) {
  const Tensor x = testing::random_tensor({10, 3}, 10);
  const Tensor y = Tensor::from_vector(std::vector<int32_t>{0, 1, 1, 0, 1, 1, 1, 0, 1, 1}, Shape{10});
  auto classifier = [] {
    Sequential m({Input({3}),
                  layers::Dense(2, {.activation = "softmax", .kernel_initializer = initializers::GlorotUniform(5)})});
    m.compile(optimizers::SGD({.learning_rate = 0.1}), "sparse_categorical_crossentropy");
    return m;
  };
  std::vector<float> by_label;
  for (int32_t label : y.to_vector<int32_t>()) by_label.push_back(label == 0 ? 2.5f : 0.5f);
  Sequential a = classifier(), b = classifier();
  a.fit(x, y, {.batch_size = 4, .epochs = 3, .verbose = 0, .shuffle = false, .class_weight = {{0, 2.5}, {1, 0.5}}});
  b.fit(x, y,
        {.batch_size = 4,
         .epochs = 3,
         .verbose = 0,
         .shuffle = false,
         .sample_weight = {Tensor::from_vector(by_label, Shape{10})}});
  EXPECT_EQ(flat_weights(a), flat_weights(b));
  // One-hot targets: the class is the argmax.
  Sequential c(
      {Input({3}), layers::Dense(2, {.activation = "softmax", .kernel_initializer = initializers::GlorotUniform(5)})});
  c.compile(optimizers::SGD({.learning_rate = 0.1}), "categorical_crossentropy");
  c.fit(x, ops::one_hot(y, 2),
        {.batch_size = 4, .epochs = 3, .verbose = 0, .shuffle = false, .class_weight = {{0, 2.5}, {1, 0.5}}});
  const auto wa = flat_weights(a), wc = flat_weights(c);
  for (size_t i = 0; i < wa.size(); ++i) EXPECT_NEAR(wa[i], wc[i], 1e-6);
}

TEST(ClassWeight, ShiftsTheDecisionTowardsTheHeavierClass) {
  // Two overlapping 1-D classes, 0 around -0.5 and 1 around +0.5: weighing class 1 five
  // times moves the boundary left, so more points are called 1.
  const Tensor noise = testing::random_tensor({400, 1}, 11);
  std::vector<float> xv(400), yv(400);
  const auto nv = noise.to_vector<float>();
  for (size_t i = 0; i < 400; ++i) {
    yv[i] = static_cast<float>(i % 2);
    xv[i] = (i % 2 ? 0.5f : -0.5f) + nv[i];
  }
  const Tensor x = Tensor::from_vector(xv, Shape{400, 1}), y = Tensor::from_vector(yv, Shape{400, 1});
  auto positives = [&](std::map<int64_t, double> cw) {
    Sequential m({Input({1}), layers::Dense(1, {.activation = "sigmoid", .kernel_initializer = initializers::Ones()})});
    m.compile(optimizers::Adam({.learning_rate = 0.05}), "binary_crossentropy");
    m.fit(x, y, {.batch_size = 50, .epochs = 30, .verbose = 0, .class_weight = std::move(cw)});
    int count = 0;
    for (float p : m.predict(x, {.verbose = 0}).to_vector<float>()) count += p > 0.5f;
    return count;
  };
  const int plain = positives({}), weighted = positives({{1, 5.0}});
  EXPECT_NEAR(plain, 200, 40);
  EXPECT_GT(weighted, plain + 60) << "plain " << plain << ", weighted " << weighted;
}

TEST(SampleWeight, ValidationSplitCarriesTheWeights) {
  const Tensor x = testing::random_tensor({10, 3}, 12), y = testing::random_tensor({10, 2}, 13);
  const Tensor w = testing::random_tensor({10}, 14, 0.0, 3.0);
  Sequential m = linear();
  const auto h =
      m.fit(x, y, {.batch_size = 10, .epochs = 1, .verbose = 0, .validation_split = 0.2, .sample_weight = {w}});
  const Tensor vx = x.slice(8, 10), vy = y.slice(8, 10), vw = w.slice(8, 10);
  EXPECT_NEAR(h.history.at("val_loss")[0], m.evaluate(vx, vy, {.verbose = 0, .sample_weight = {vw}}).at("loss"), 1e-5);
}

TEST(SampleWeight, BadWeightsAreClearErrors) {
  const Tensor x = testing::random_tensor({6, 3}, 15), y = testing::random_tensor({6, 2}, 16);
  Sequential m = linear();
  expect_error<ValueError>([&] { m.fit(x, y, {.verbose = 0, .sample_weight = {Tensor::ones({5})}}); },
                           {"sample_weight", "6 samples", "(5,)"});
  expect_error<ValueError>(
      [&] {
        m.fit(x, y, {.verbose = 0, .class_weight = {{0, 1.0}}, .sample_weight = {Tensor::ones({6})}});
      },
      {"class_weight", "sample_weight"});
  expect_error<ValueError>(
      [&] {
        m.evaluate(x, y, {.verbose = 0, .sample_weight = {Tensor::ones({6}), Tensor::ones({6})}});
      },
      {"one `sample_weight` array per output"});
  // class_weight needs one output.
  auto in = Input({3});
  Model two(in, {layers::Dense(1)(in), layers::Dense(1)(in)});
  two.compile("sgd", "mse");
  expect_error<ValueError>(
      [&] {
        two.fit({x}, {y.slice(0, 6), y.slice(0, 6)}, {.verbose = 0, .class_weight = {{0, 1.0}}});
      },
      {"class_weight", "single output"});
}

// Keras 3's CompileMetrics: `weighted_metrics` get the batch's sample weights, `metrics`
// never do; a weighted metric named like an unweighted one is logged as weighted_<name>.
TEST(WeightedMetrics, GetTheSampleWeightsWhichMetricsNever) {
  const Tensor x = testing::random_tensor({6, 3}, 31), y = testing::random_tensor({6, 2}, 32);
  const std::vector<float> wv{0.5f, 2.f, 0.f, 1.f, 3.f, 1.f};
  Sequential m({Input({3}), layers::Dense(2, {.kernel_initializer = initializers::GlorotUniform(5)})});
  m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.05}),
             .loss = "mse",
             .metrics = {"mae", "mae"},
             .weighted_metrics = {"mae", "mse"}});
  const auto p = m.predict(x, {.verbose = 0}).to_vector<float>(), yv = y.to_vector<float>();
  // MeanMetricWrapper: the per-sample errors averaged with the weights (sum w*e / sum w).
  double mae = 0, weighted_mae = 0, weighted_mse = 0, total = 0;
  for (size_t i = 0; i < 6; ++i) {
    double abs_err = 0, sq_err = 0;
    for (size_t j = 0; j < 2; ++j) {
      abs_err += std::abs(p[i * 2 + j] - yv[i * 2 + j]) / 2;
      sq_err += std::pow(p[i * 2 + j] - yv[i * 2 + j], 2) / 2;
    }
    mae += abs_err / 6;
    weighted_mae += wv[i] * abs_err;
    weighted_mse += wv[i] * sq_err;
    total += wv[i];
  }
  const auto logs =
      m.evaluate(x, y, {.batch_size = 4, .verbose = 0, .sample_weight = {Tensor::from_vector(wv, Shape{6})}});
  EXPECT_EQ(logs.size(), 5u);  // loss, mae, mae_1, weighted_mae, mse
  EXPECT_NEAR(logs.at("mae"), mae, 1e-5);
  EXPECT_NEAR(logs.at("mae_1"), mae, 1e-5);
  EXPECT_NEAR(logs.at("weighted_mae"), weighted_mae / total, 1e-5);
  EXPECT_NEAR(logs.at("mse"), weighted_mse / total, 1e-5);
  // Without weights the weighted metric is the plain one.
  const auto plain = m.evaluate(x, y, {.batch_size = 4, .verbose = 0});
  EXPECT_NEAR(plain.at("weighted_mae"), plain.at("mae"), 1e-6);
}

TEST(WeightedMetrics, SeeClassWeightsInFit) {
  // class_weight becomes each sample's weight, so a weighted accuracy of a class given
  // weight 0 counts only the other class.
  const Tensor x = testing::random_tensor({12, 3}, 33);
  const Tensor y = Tensor::from_vector(std::vector<int32_t>{0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0}, Shape{12});
  Sequential m(
      {Input({3}), layers::Dense(2, {.activation = "softmax", .kernel_initializer = initializers::GlorotUniform(5)})});
  m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.0}),  // the model stays as it is
             .loss = "sparse_categorical_crossentropy",
             .metrics = {"sparse_categorical_accuracy"},
             .weighted_metrics = {"sparse_categorical_accuracy"}});
  const auto pred = ops::argmax(m.predict(x, {.verbose = 0}), -1).to_vector<int32_t>();
  const auto labels = y.to_vector<int32_t>();
  double right = 0, right_of_1 = 0, ones = 0;
  for (size_t i = 0; i < 12; ++i) {
    right += pred[i] == labels[i];
    if (labels[i] == 1) {
      ++ones;
      right_of_1 += pred[i] == 1;
    }
  }
  const auto history = m.fit(x, y, {.batch_size = 12, .epochs = 1, .verbose = 0, .class_weight = {{0, 0.0}, {1, 1.0}}});
  EXPECT_NEAR(history.history.at("sparse_categorical_accuracy")[0], right / 12, 1e-6);
  EXPECT_NEAR(history.history.at("weighted_sparse_categorical_accuracy")[0], right_of_1 / ones, 1e-6);
}

TEST(WeightedMetrics, AreSavedAndLoadedWithTheCompileConfig) {
  const std::string dir = testing::temp_dir();
  Sequential m({Input({3}), layers::Dense(2)});
  m.compile({.optimizer = "adam",
             .loss = "mse",
             .metrics = {"mae"},
             .weighted_metrics = {"mae", metrics::RootMeanSquaredError()}});
  for (const char* file : {"weighted_metrics.keras", "weighted_metrics.h5"}) {
    m.save(dir + "/" + file);
    auto loaded = saving::load_model(dir + "/" + file);
    ASSERT_TRUE(loaded->compiled()) << file;
    const auto& wm = loaded->compile_options().weighted_metrics;
    ASSERT_EQ(wm.size(), 2u) << file;
    EXPECT_EQ(wm[0].spec(), "mae");
    EXPECT_EQ(wm[1].ptr()->name(), "root_mean_squared_error");
    const auto logs =
        loaded->evaluate(testing::random_tensor({4, 3}, 34), testing::random_tensor({4, 2}, 35), {.verbose = 0});
    for (const char* key : {"mae", "weighted_mae", "root_mean_squared_error"}) EXPECT_TRUE(logs.count(key)) << key;
  }
  // Keras writes an unused weighted_metrics as null; one list per output is read as
  // output_weighted_metrics; lists mixed with metrics are refused.
  Sequential plain({Input({3}), layers::Dense(2)});
  saving::apply_compile_config(plain, {{"optimizer", "adam"}, {"loss", "mse"}, {"weighted_metrics", nullptr}});
  EXPECT_TRUE(plain.compile_options().weighted_metrics.empty());
  using ojson = nlohmann::ordered_json;
  saving::apply_compile_config(
      plain, {{"optimizer", "adam"}, {"loss", "mse"}, {"weighted_metrics", ojson::array({ojson::array({"mae"})})}});
  ASSERT_EQ(plain.compile_options().output_weighted_metrics.size(), 1u);
  EXPECT_EQ(plain.compile_options().output_weighted_metrics[0][0].spec(), "mae");
  EXPECT_THROW(
      saving::apply_compile_config(
          plain,
          {{"optimizer", "adam"}, {"loss", "mse"}, {"weighted_metrics", ojson::array({ojson::array({"mae"}), "mse"})}}),
      IOError);
}

// weighted_metrics given one list per output (Keras's list-of-lists form): each output's
// metrics see the sample weights; saved and read back in that form.
TEST(WeightedMetrics, OneListPerOutput) {
  auto in = Input({3});
  Model m(in, {layers::Dense(1, {.kernel_initializer = initializers::GlorotUniform(7), .name = "a"})(in),
               layers::Dense(2, {.kernel_initializer = initializers::GlorotUniform(8), .name = "b"})(in)});
  m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.0}),
             .loss = "mse",
             .output_weighted_metrics = {{"mae"}, {"mse", metrics::MeanAbsoluteError()}}});
  const Tensor x = testing::random_tensor({5, 3}, 36), ya = testing::random_tensor({5, 1}, 37),
               yb = testing::random_tensor({5, 2}, 38);
  const std::vector<float> wv{1.f, 0.f, 2.f, 0.5f, 1.f};
  const TensorList p = m.predict(TensorList{x}, {.verbose = 0});
  const auto pa = p[0].to_vector<float>(), pb = p[1].to_vector<float>(), ta = ya.to_vector<float>(),
             tb = yb.to_vector<float>();
  double a_mae = 0, b_mse = 0, b_mae = 0, total = 0;
  for (size_t i = 0; i < 5; ++i) {
    a_mae += wv[i] * std::abs(pa[i] - ta[i]);
    double sq = 0, ab = 0;
    for (size_t j = 0; j < 2; ++j) {
      sq += std::pow(pb[i * 2 + j] - tb[i * 2 + j], 2) / 2;
      ab += std::abs(pb[i * 2 + j] - tb[i * 2 + j]) / 2;
    }
    b_mse += wv[i] * sq;
    b_mae += wv[i] * ab;
    total += wv[i];
  }
  const auto logs =
      m.evaluate({x}, {ya, yb}, {.batch_size = 5, .verbose = 0, .sample_weight = {Tensor::from_vector(wv, Shape{5})}});
  EXPECT_NEAR(logs.at("a_mae"), a_mae / total, 1e-5);
  EXPECT_NEAR(logs.at("b_mse"), b_mse / total, 1e-5);
  EXPECT_NEAR(logs.at("b_mean_absolute_error"), b_mae / total, 1e-5);
  EXPECT_FALSE(logs.count("b_mae"));  // each list serves its own output only
  const std::string path = testing::temp_dir() + "/weighted_per_output.keras";
  m.save(path);
  auto loaded = saving::load_model(path);
  ASSERT_TRUE(loaded->compiled());
  const auto& lists = loaded->compile_options().output_weighted_metrics;
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(lists[0].size(), 1u);
  EXPECT_EQ(lists[1].size(), 2u);
  const auto again = loaded->evaluate(
      {x}, {ya, yb}, {.batch_size = 5, .verbose = 0, .sample_weight = {Tensor::from_vector(wv, Shape{5})}});
  for (const char* key : {"a_mae", "b_mse", "b_mean_absolute_error"}) EXPECT_NEAR(again.at(key), logs.at(key), 1e-6);
  // One list per output, and not with weighted_metrics too.
  expect_error<ValueError>([&] { m.compile({.loss = "mse", .output_weighted_metrics = {{"mae"}}}); },
                           {"output_weighted_metrics", "1 lists", "2 outputs"});
  expect_error<ValueError>(
      [&] {
        m.compile({.loss = "mse", .weighted_metrics = {"mae"}, .output_weighted_metrics = {{"mae"}, {"mae"}}});
      },
      {"weighted_metrics", "output_weighted_metrics"});
}

// Keras writes what compile() was given: losses, loss_weights and metrics may be dicts by
// output name; they are read in the model's output order.
TEST(CompileConfig, DictsByOutputName) {
  auto in = Input({3});
  Model m(in, {layers::Dense(1, {.name = "a"})(in), layers::Dense(2, {.name = "b"})(in)});
  saving::apply_compile_config(m, saving::json::parse(R"({"optimizer": "sgd", "loss": {"b": "mae", "a": "mse"},
      "loss_weights": {"a": 2.0}, "metrics": {"b": ["mae"]}, "weighted_metrics": {"a": "mse"}})"));
  ASSERT_TRUE(m.compiled());
  const auto& o = m.compile_options();
  ASSERT_EQ(o.losses.size(), 2u);
  EXPECT_EQ(o.losses[0].spec(), "mse");
  EXPECT_EQ(o.losses[1].spec(), "mae");
  EXPECT_EQ(o.loss_weights, (std::vector<double>{2.0, 1.0}));
  ASSERT_EQ(o.output_metrics.size(), 2u);
  EXPECT_TRUE(o.output_metrics[0].empty());
  EXPECT_EQ(o.output_metrics[1][0].spec(), "mae");
  ASSERT_EQ(o.output_weighted_metrics.size(), 2u);
  EXPECT_EQ(o.output_weighted_metrics[0][0].spec(), "mse");
  const Tensor x = testing::random_tensor({4, 3}, 41);
  const auto logs =
      m.evaluate({x}, {testing::random_tensor({4, 1}, 42), testing::random_tensor({4, 2}, 43)}, {.verbose = 0});
  EXPECT_NEAR(logs.at("loss"), 2.0 * logs.at("a_loss") + logs.at("b_loss"), 1e-5);
  for (const char* key : {"b_mae", "a_mse"}) EXPECT_TRUE(logs.count(key)) << key;
  // A key naming no output, or an output without a loss, is refused (and loading warns).
  Model n(in, {layers::Dense(1, {.name = "a"})(in), layers::Dense(2, {.name = "b"})(in)});
  expect_error<IOError>(
      [&] {
        saving::apply_compile_config(n, {{"optimizer", "sgd"}, {"loss", {{"a", "mse"}, {"c", "mse"}}}});
      },
      {"'c'", "no output"});
  expect_error<IOError>(
      [&] {
        saving::apply_compile_config(n, {{"optimizer", "sgd"}, {"loss", {{"a", "mse"}}}});
      },
      {"output 'b'"});
}

}  // namespace
}  // namespace keras
