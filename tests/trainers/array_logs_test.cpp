// Metrics whose result has several values (F1Score with Keras's default average=None:
// one score per class) in fit and evaluate: Keras logs them as arrays, so they land in
// Logs::arrays and History::arrays (val_ ones too), the progress bar shows their mean and
// CSVLogger writes them as Keras's handle_value does ("[v0, v1, ...]").
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "callbacks/python_format.h"
#include "test_utils.h"

namespace keras {
namespace {

struct Data {
  Tensor x, y;
};

Data three_classes(int64_t n, uint64_t seed) {
  const Tensor x = testing::random_tensor({n, 4}, seed);
  const Tensor labels = ops::argmax(testing::random_tensor({n, 3}, seed + 1), -1);
  return {x, ops::one_hot(labels, 3)};
}

Sequential classifier() {
  Sequential m(
      {Input({4}), layers::Dense(3, {.activation = "softmax", .kernel_initializer = initializers::GlorotUniform(9)})});
  m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.0}),  // fixed weights: known scores
             .loss = "categorical_crossentropy",
             .metrics = {metrics::F1Score()}});
  return m;
}

Tensor f1_per_class(Sequential& m, const Data& d) {
  metrics::F1Score reference;
  reference.update_state(d.y, m.predict(d.x, {.verbose = 0}));
  return reference.result_tensor();
}

TEST(ArrayLogs, F1ScorePerClassInFitEvaluateAndHistory) {
  const Data train = three_classes(24, 51), val = three_classes(12, 61);
  Sequential m = classifier();
  const Tensor want = f1_per_class(m, train), want_val = f1_per_class(m, val);
  ASSERT_EQ(want.shape(), Shape({3}));

  const std::string csv = testing::temp_dir() + "/array_logs.csv";
  auto history = m.fit(train.x, train.y,
                       {.batch_size = 8,
                        .epochs = 2,
                        .verbose = 0,
                        .callbacks = {std::make_shared<callbacks::CSVLogger>(csv)},
                        .validation_data = models::ValidationData(val.x, val.y)});
  EXPECT_FALSE(history.history.count("f1_score"));  // not a number: an array
  ASSERT_EQ(history.arrays.at("f1_score").size(), 2u);
  ASSERT_EQ(history.arrays.at("val_f1_score").size(), 2u);
  for (int e = 0; e < 2; ++e) {
    testing::expect_allclose(history.arrays.at("f1_score")[e], want, 1e-6, 1e-5, "f1_score");
    testing::expect_allclose(history.arrays.at("val_f1_score")[e], want_val, 1e-6, 1e-5, "val_f1_score");
  }
  EXPECT_EQ(history.history.at("loss").size(), 2u);

  const callbacks::Logs logs = m.evaluate(val.x, val.y, {.verbose = 0});
  EXPECT_TRUE(logs.count("loss"));
  testing::expect_allclose(logs.arrays.at("f1_score"), want_val, 1e-6, 1e-5, "evaluate");

  // CSVLogger: sorted columns, arrays as Keras writes them.
  std::ifstream in(csv);
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  EXPECT_EQ(header, "epoch,f1_score,loss,val_f1_score,val_loss\r");
  std::string list;
  for (float v : history.arrays.at("f1_score")[0].to_vector<float>())
    list += (list.empty() ? "" : ", ") + callbacks::detail::python_str(v);
  EXPECT_EQ(row.rfind("0,\"[" + list + "]\",", 0), 0u) << row;
}

TEST(ArrayLogs, ProgressBarShowsTheMeanAndAveragedF1StaysAScalar) {
  const Data d = three_classes(16, 71);
  Sequential m = classifier();
  const auto per_class = f1_per_class(m, d).to_vector<float>();
  const double mean = (per_class[0] + per_class[1] + per_class[2]) / 3.0;
  ::testing::internal::CaptureStdout();
  m.evaluate(d.x, d.y, {.batch_size = 16, .verbose = 1});
  const std::string out = ::testing::internal::GetCapturedStdout();
  std::ostringstream shown;
  shown << "f1_score: " << std::fixed << std::setprecision(4) << mean;
  EXPECT_NE(out.find(shown.str()), std::string::npos) << out;

  // average="macro" is one number: an ordinary log entry equal to that mean.
  Sequential macro(
      {Input({4}), layers::Dense(3, {.activation = "softmax", .kernel_initializer = initializers::GlorotUniform(9)})});
  macro.compile({.loss = "categorical_crossentropy", .metrics = {metrics::F1Score({.average = "macro"})}});
  const callbacks::Logs logs = macro.evaluate(d.x, d.y, {.verbose = 0});
  EXPECT_TRUE(logs.arrays.empty());
  EXPECT_NEAR(logs.at("f1_score"), mean, 1e-5);
}

}  // namespace
}  // namespace keras
