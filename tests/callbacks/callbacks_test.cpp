// The training callbacks beyond History/EarlyStopping: ModelCheckpoint, the learning-rate
// callbacks, CSVLogger and TerminateOnNaN, each against what Keras does.
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "callbacks/python_format.h"
#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras::callbacks {
namespace {

namespace fs = std::filesystem;
using testing::expect_error;

std::string scratch(const std::string& name) {
  const fs::path dir = fs::path(testing::temp_dir()) / "callbacks";
  fs::create_directories(dir);
  return (dir / name).string();
}

struct Regression {
  Tensor x = testing::random_tensor({64, 4}, 11), y;
  Tensor val_x = testing::random_tensor({16, 4}, 12), val_y;
  Regression() {
    const Tensor w = testing::random_tensor({4, 1}, 13);
    y = ops::matmul(x, w);
    val_y = ops::matmul(val_x, w);
  }
  static models::Sequential model(double lr = 0.05) {
    models::Sequential m({keras::Input({4}), layers::Dense(1, {.kernel_initializer = initializers::GlorotUniform(1)})});
    m.compile(optimizers::SGD({.learning_rate = lr}), "mse");
    return m;
  }
};

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Callbacks, NumbersPrintAsPythonReprs) {
  const std::vector<std::pair<double, std::string>> cases{
      {0.1, "0.1"}, {0.0001, "0.0001"}, {1e-05, "1e-05"}, {100000.0, "100000.0"}, {1e16, "1e+16"},
      {123456.789, "123456.789"}, {-0.5, "-0.5"}, {3.0, "3.0"}, {1e15, "1000000000000000.0"}, {0.00012345, "0.00012345"}};
  for (const auto& [v, want] : cases) EXPECT_EQ(detail::python_str(v), want);
  EXPECT_EQ(detail::python_format(7, "03d"), "007");
  expect_error<ValueError>([] { detail::python_format(std::numeric_limits<double>::infinity(), "d"); }, {"not an integer"});
}

TEST(Callbacks, CheckpointPathsFormatLikePython) {
  const Logs logs{{"epoch", 3}, {"val_loss", 0.123456}, {"loss", 2.5}};
  EXPECT_EQ(format_path("m-{epoch:02d}-{val_loss:.2f}.keras", logs), "m-03-0.12.keras");
  EXPECT_EQ(format_path("{epoch}_{loss}.keras", logs), "3_2.5.keras");
  EXPECT_EQ(format_path("{{x}}{val_loss:.3e}", logs), "{x}1.235e-01");
  expect_error<ValueError>([&] { format_path("{val_acc:.2f}.keras", logs); }, {"val_acc", "Available", "val_loss"});
  expect_error<ValueError>([&] { format_path("{epoch.keras", logs); }, {"Unclosed"});
}

TEST(Callbacks, ModelCheckpointKeepsTheBestModel) {
  Regression data;
  auto m = Regression::model();
  const std::string best_path = scratch("best.keras");
  fs::remove(best_path);
  auto best = std::make_shared<ModelCheckpoint>(best_path, ModelCheckpointOptions{.save_best_only = true});
  auto every = std::make_shared<ModelCheckpoint>(scratch("sub/ep{epoch:02d}.weights.h5"),
                                                 ModelCheckpointOptions{.save_weights_only = true});
  const auto history = m.fit(data.x, data.y,
                             {.batch_size = 16, .epochs = 4, .verbose = 0, .callbacks = {best, every},
                              .validation_data = models::ValidationData(data.val_x, data.val_y)});
  const auto& val = history.history.at("val_loss");
  EXPECT_DOUBLE_EQ(best->best(), *std::min_element(val.begin(), val.end()));
  for (int e = 1; e <= 4; ++e) EXPECT_TRUE(fs::exists(scratch("sub/ep0" + std::to_string(e) + ".weights.h5"))) << e;
  // The saved model gives the best epoch's validation loss.
  auto loaded = saving::load_model(best_path);
  const double reloaded = loaded->evaluate(data.val_x, data.val_y, {.batch_size = 16, .verbose = 0, .callbacks = {}}).at("loss");
  EXPECT_NEAR(reloaded, best->best(), 1e-5 * (1 + best->best()));
  // The last epoch's weights file holds the final weights.
  auto copy = Regression::model();
  copy.load_weights(scratch("sub/ep04.weights.h5"));
  testing::expect_allclose(copy.get_weights()[0], m.get_weights()[0], 0, 0, "epoch 4 weights");

  // Every 3 batches over 4 batches per epoch: saves after epoch 1 batch 3 and epoch 2 batch 2
  // (Keras counts batches across epochs and names them from 1).
  auto by_batch = std::make_shared<ModelCheckpoint>(scratch("b{epoch}-{batch}.keras"), ModelCheckpointOptions{.save_freq = 3});
  Regression::model().fit(data.x, data.y, {.batch_size = 16, .epochs = 2, .verbose = 0, .callbacks = {by_batch}});
  EXPECT_TRUE(fs::exists(scratch("b1-3.keras")));
  EXPECT_TRUE(fs::exists(scratch("b2-2.keras")));
  EXPECT_FALSE(fs::exists(scratch("b1-4.keras")));
  EXPECT_EQ(by_batch->last_saved(), scratch("b2-2.keras"));

  expect_error<ValueError>([&] { ModelCheckpoint("model.weights.h5"); }, {"must end in `.keras`"});
  expect_error<ValueError>([&] { ModelCheckpoint("model.keras", {.save_weights_only = true}); }, {".weights.h5"});
}

TEST(Callbacks, LearningRateSchedulerSetsEachEpochsRate) {
  Regression data;
  auto m = Regression::model(0.1);
  std::vector<double> seen;
  auto schedule = std::make_shared<LearningRateScheduler>([&](int epoch, double lr) {
    seen.push_back(lr);
    return 0.1 / (epoch + 1);
  });
  const auto history = m.fit(data.x, data.y, {.batch_size = 32, .epochs = 3, .verbose = 0, .callbacks = {schedule}});
  ASSERT_EQ(seen.size(), 3u);
  // Keras logs each epoch's rate.
  const std::vector<double> logged = history.history.at("learning_rate");
  ASSERT_EQ(logged.size(), 3u);
  EXPECT_DOUBLE_EQ(logged[0], 0.1);
  EXPECT_DOUBLE_EQ(logged[2], 0.1 / 3);
  EXPECT_DOUBLE_EQ(seen[1], 0.1);  // the rate set for epoch 0
  EXPECT_DOUBLE_EQ(seen[2], 0.05);
  EXPECT_DOUBLE_EQ(m.optimizer()->learning_rate(), 0.1 / 3);
}

TEST(Callbacks, ReduceLROnPlateauFollowsKerasCounting) {
  Regression data;
  // A rate so small the loss cannot improve by min_delta: patience 2 reduces at epochs 3
  // and 5 (1-based), as Keras counts.
  auto m = Regression::model(1e-9);
  auto reduce = std::make_shared<ReduceLROnPlateau>(
      ReduceLROnPlateauOptions{.monitor = "loss", .factor = 0.5, .patience = 2, .min_lr = 3e-10});
  struct RecordRate : Callback {
    std::vector<double> rates;
    void on_epoch_end(int, const Logs&) override { rates.push_back(model()->optimizer()->learning_rate()); }
  };
  auto record = std::make_shared<RecordRate>();
  const auto history = m.fit(data.x, data.y, {.batch_size = 64, .epochs = 7, .verbose = 0, .callbacks = {reduce, record}});
  // The logged rate is the one each epoch ran with (before that epoch's reduction).
  EXPECT_NEAR(history.history.at("learning_rate")[2], 1e-9, 1e-16);
  EXPECT_NEAR(history.history.at("learning_rate")[3], 5e-10, 1e-16);
  // 1e-9 -> 5e-10 at epoch 3 -> max(2.5e-10, min_lr) at epoch 5; at min_lr it stays.
  const std::vector<double> want{1e-9, 1e-9, 5e-10, 5e-10, 3e-10, 3e-10, 3e-10};
  ASSERT_EQ(record->rates.size(), want.size());
  for (size_t e = 0; e < want.size(); ++e) EXPECT_NEAR(record->rates[e], want[e], 1e-16) << "epoch " << e;
  expect_error<ValueError>([] { ReduceLROnPlateau({.factor = 1.5}); }, {"factor >= 1.0"});
}

TEST(Callbacks, CsvLoggerWritesKerasRows) {
  Regression data;
  const std::string path = scratch("log.csv");
  auto m = Regression::model();
  m.fit(data.x, data.y, {.batch_size = 32, .epochs = 2, .verbose = 0, .callbacks = {std::make_shared<CSVLogger>(path)}});
  std::string text = read(path);
  EXPECT_EQ(text.substr(0, text.find("\r\n")), "epoch,loss,val_loss");
  EXPECT_NE(text.find("\r\n0,"), std::string::npos);
  EXPECT_NE(text.find(",NA\r\n1,"), std::string::npos);
  // Appending adds rows and no second header.
  m.fit(data.x, data.y,
        {.batch_size = 32, .epochs = 1, .verbose = 0, .callbacks = {std::make_shared<CSVLogger>(path, ";", true)}});
  text = read(path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);
  EXPECT_EQ(text.find("epoch", 5), std::string::npos);
}

TEST(Callbacks, TerminateOnNaNStopsAfterTheBadBatch) {
  Regression data;
  Tensor y = data.y.clone();
  auto m = Regression::model();
  const auto history = m.fit(data.x, ops::divide(y, Tensor::zeros(y.shape())) * 0.0,  // 0/0: NaN targets
                             {.batch_size = 16, .epochs = 5, .verbose = 0, .callbacks = {std::make_shared<TerminateOnNaN>()}});
  EXPECT_EQ(history.epoch.size(), 1u);
  EXPECT_EQ(m.optimizer()->iterations(), 1);  // stopped right after the first batch
}

}  // namespace
}  // namespace keras::callbacks
