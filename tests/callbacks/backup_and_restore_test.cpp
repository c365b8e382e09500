// BackupAndRestore (resume an interrupted fit) and LambdaCallback.
#include "keras/callbacks/backup_and_restore.h"

#include <filesystem>
#include <fstream>

#include "keras/callbacks/lambda_callback.h"
#include "test_utils.h"

namespace keras::callbacks {
namespace {

namespace fs = std::filesystem;
using testing::expect_error;

/// What an interrupted process leaves: an exception out of fit at the start of an epoch.
struct Interrupt : std::runtime_error {
  Interrupt() : std::runtime_error("interrupted") {}
};

struct Task {
  Tensor x = testing::random_tensor({48, 5}, 21), y;
  Task() { y = ops::tanh(ops::matmul(x, testing::random_tensor({5, 2}, 22))); }
  /// The same initial weights every time; Adam so that the optimizer state matters.
  static models::Sequential model() {
    models::Sequential m(
        {keras::Input({5}),
         layers::Dense(8, {.activation = "tanh", .kernel_initializer = initializers::GlorotUniform(3)}),
         layers::Dense(2, {.kernel_initializer = initializers::GlorotUniform(4)})});
    m.compile(optimizers::Adam({.learning_rate = 0.01}), "mse");
    return m;
  }
};

std::vector<float> flat_weights(const models::Model& m) {
  std::vector<float> out;
  for (const auto& w : m.weights()) {
    const auto v = w.value().to_vector<float>();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

std::string backup_dir(const std::string& name) { return (fs::path(testing::temp_dir()) / "backup" / name).string(); }

TEST(BackupAndRestore, InterruptedFitResumesToTheSameWeights) {
  for (const int64_t save_freq : {int64_t{0}, int64_t{2}}) {
    const Task t;
    const std::string dir = backup_dir(save_freq ? "batches" : "epochs");
    fs::remove_all(dir);
    models::Sequential reference = Task::model();
    reference.fit(t.x, t.y, {.batch_size = 8, .epochs = 6, .verbose = 0, .shuffle = false});

    auto backup = std::make_shared<BackupAndRestore>(dir, BackupAndRestoreOptions{.save_freq = save_freq});
    {
      models::Sequential first = Task::model();
      auto stop = std::make_shared<LambdaCallback>(LambdaCallbackOptions{.on_epoch_begin = [](int epoch, const Logs&) {
        if (epoch == 4) throw Interrupt();
      }});
      EXPECT_THROW(
          first.fit(t.x, t.y,
                    {.batch_size = 8, .epochs = 6, .verbose = 0, .callbacks = {backup, stop}, .shuffle = false}),
          Interrupt);
      EXPECT_TRUE(fs::exists(backup->weights_path()));
    }
    // A new process: a freshly built model, the same fit call, the same callback.
    models::Sequential second = Task::model();
    const History h =
        second.fit(t.x, t.y, {.batch_size = 8, .epochs = 6, .verbose = 0, .callbacks = {backup}, .shuffle = false});
    EXPECT_EQ(h.epoch, (std::vector<int>{4, 5})) << "save_freq " << save_freq;
    const auto want = flat_weights(reference), got = flat_weights(second);
    ASSERT_EQ(want.size(), got.size());
    for (size_t i = 0; i < want.size(); ++i)
      EXPECT_NEAR(got[i], want[i], 1e-6) << "save_freq " << save_freq << " at " << i;
    // A finished fit removes the backup (delete_checkpoint).
    EXPECT_FALSE(fs::exists(dir));
  }
}

TEST(BackupAndRestore, DoubleCheckpointFallsBackToThePreviousBackup) {
  const Task t;
  const std::string dir = backup_dir("double");
  fs::remove_all(dir);
  fs::remove_all(dir + "_single");  // a run under an earlier process of the same id left its damaged file
  auto backup = std::make_shared<BackupAndRestore>(
      dir, BackupAndRestoreOptions{.double_checkpoint = true, .delete_checkpoint = false});
  models::Sequential first = Task::model();
  first.fit(t.x, t.y, {.batch_size = 8, .epochs = 3, .verbose = 0, .callbacks = {backup}, .shuffle = false});
  EXPECT_TRUE(fs::exists(backup->weights_path() + ".bkp"));
  std::ofstream(backup->weights_path(), std::ios::trunc) << "not hdf5";  // the latest is damaged
  models::Sequential second = Task::model();
  const History h =
      second.fit(t.x, t.y, {.batch_size = 8, .epochs = 4, .verbose = 0, .callbacks = {backup}, .shuffle = false});
  EXPECT_EQ(h.epoch, (std::vector<int>{2, 3}));  // the previous backup was written after epoch 2 of 3
  // Without a previous backup, a damaged one is an error, not a silent restart.
  auto single =
      std::make_shared<BackupAndRestore>(dir + "_single", BackupAndRestoreOptions{.delete_checkpoint = false});
  models::Sequential third = Task::model();
  third.fit(t.x, t.y, {.batch_size = 8, .epochs = 1, .verbose = 0, .callbacks = {single}, .shuffle = false});
  std::ofstream(single->metadata_path(), std::ios::trunc) << "{\"epoch\": \"one\"}";
  expect_error<IOError>([&] { third.fit(t.x, t.y, {.epochs = 2, .verbose = 0, .callbacks = {single}}); },
                        {"training_metadata.json", "epoch"});
  expect_error<ValueError>([] { BackupAndRestore(""); }, {"backup_dir"});
  expect_error<ValueError>([] { BackupAndRestore("x", {.save_freq = -1}); }, {"save_freq"});
}

TEST(LambdaCallback, CallsEachFunctionAtItsMoment) {
  const Task t;
  std::vector<std::string> seen;
  auto cb = std::make_shared<LambdaCallback>(LambdaCallbackOptions{
      .on_epoch_begin = [&](int e, const Logs&) { seen.push_back("epoch_begin " + std::to_string(e)); },
      .on_epoch_end =
          [&](int e, const Logs& logs) {
            seen.push_back("epoch_end " + std::to_string(e) + (logs.count("loss") ? " loss" : ""));
          },
      .on_train_begin = [&](const Logs&) { seen.push_back("train_begin"); },
      .on_train_end = [&](const Logs&) { seen.push_back("train_end"); },
      .on_train_batch_end = [&](int64_t b, const Logs&) { seen.push_back("batch " + std::to_string(b)); }});
  models::Sequential m = Task::model();
  m.fit(t.x, t.y, {.batch_size = 24, .epochs = 2, .verbose = 0, .callbacks = {cb}});
  EXPECT_EQ(seen, (std::vector<std::string>{"train_begin", "epoch_begin 0", "batch 0", "batch 1", "epoch_end 0 loss",
                                            "epoch_begin 1", "batch 0", "batch 1", "epoch_end 1 loss", "train_end"}));
}

}  // namespace
}  // namespace keras::callbacks
