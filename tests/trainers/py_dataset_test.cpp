// fit / evaluate on data that is not one tensor in memory: a PyDataset (with worker
// threads preparing batches ahead) and a generator.
#include "keras/utils/py_dataset.h"

#include <atomic>
#include <chrono>
#include <thread>

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

Sequential small_model() {
  Sequential m({Input({4}),
                layers::Dense(3, {.activation = "tanh", .kernel_initializer = initializers::GlorotUniform(1)}),
                layers::Dense(1, {.kernel_initializer = initializers::GlorotUniform(2)})});
  m.compile(optimizers::Adam({.learning_rate = 0.01}), "mse", {"mae"});
  return m;
}

/// Batches of arrays in memory, made slowly (each get() sleeps), counting how many
/// get() calls run at the same time.
class SlowArrays : public utils::PyDataset {
 public:
  SlowArrays(Tensor x, Tensor y, int64_t batch, int workers, int sleep_ms = 0)
      : PyDataset({.workers = workers, .max_queue_size = 4}),
        x_(std::move(x)),
        y_(std::move(y)),
        batch_(batch),
        sleep_ms_(sleep_ms) {}
  int64_t size() const override { return (x_.dim(0) + batch_ - 1) / batch_; }
  utils::DataBatch get(int64_t i) override {
    const int now = ++active_;
    int seen = max_active_.load();
    while (now > seen && !max_active_.compare_exchange_weak(seen, now)) {}
    if (sleep_ms_) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms_));
    const int64_t end = std::min(x_.dim(0), (i + 1) * batch_);
    utils::DataBatch b{{x_.slice(i * batch_, end)}, {y_.slice(i * batch_, end)}};
    --active_;
    return b;
  }
  void on_epoch_end() override { ++epochs_ended; }
  int max_active() const { return max_active_.load(); }
  int epochs_ended = 0;

 private:
  Tensor x_, y_;
  int64_t batch_;
  int sleep_ms_;
  std::atomic<int> active_{0}, max_active_{0};
};

TEST(PyDataset, GivesTheSameTrainingAsArraysInMemory) {
  const Tensor x = testing::random_tensor({40, 4}, 3), y = testing::random_tensor({40, 1}, 4);
  Sequential in_memory = small_model();
  const auto want = in_memory.fit(x, y, {.batch_size = 8, .epochs = 3, .verbose = 0, .shuffle = false});
  for (int workers : {1, 4}) {
    SlowArrays data(x, y, 8, workers);
    Sequential m = small_model();
    const auto got = m.fit(data, {.epochs = 3, .verbose = 0});
    EXPECT_EQ(flat_weights(m), flat_weights(in_memory)) << workers << " workers";
    EXPECT_EQ(got.history.at("loss"), want.history.at("loss"));
    EXPECT_EQ(data.epochs_ended, 3);
    EXPECT_NEAR(m.evaluate(data, {.verbose = 0}).at("mae"),
                in_memory.evaluate(x, y, {.batch_size = 8, .verbose = 0}).at("mae"), 1e-6);
  }
}

TEST(PyDataset, WorkersLoadBatchesConcurrently) {
  // A loader that sleeps: with 4 workers, several get() calls are in flight at once while
  // training waits for none of them to finish first.
  const Tensor x = testing::random_tensor({64, 4}, 5), y = testing::random_tensor({64, 1}, 6);
  SlowArrays data(x, y, 8, /*workers=*/4, /*sleep_ms=*/30);
  Sequential m = small_model();
  m.fit(data, {.epochs = 1, .verbose = 0});
  EXPECT_GE(data.max_active(), 2);
  EXPECT_LE(data.max_active(), 4);
  SlowArrays serial(x, y, 8, /*workers=*/1, /*sleep_ms=*/1);
  m.fit(serial, {.epochs = 1, .verbose = 0});
  EXPECT_EQ(serial.max_active(), 1);
}

TEST(PyDataset, PredictGivesTheArraysOutputsInOrder) {
  // 4 workers finish batches out of order; predict still concatenates them in index order.
  const Tensor x = testing::random_tensor({37, 4}, 11), y = Tensor::zeros({37, 1});
  Sequential m = small_model();
  const std::vector<float> want = m.predict(x, {.batch_size = 5, .verbose = 0}).to_vector<float>();
  SlowArrays data(x, y, 5, /*workers=*/4, /*sleep_ms=*/2);
  const TensorList got = m.predict(data, {.verbose = 0});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].shape(), Shape({37, 1}));
  EXPECT_EQ(got[0].to_vector<float>(), want);
  EXPECT_EQ(data.epochs_ended, 1);
  // A batch of the wrong width names the model's input; an empty dataset is refused.
  SlowArrays wrong(Tensor::ones({4, 5}), Tensor::ones({4, 1}), 2, 2);
  EXPECT_THROW(m.predict(wrong, {.verbose = 0}), ValueError);
  SlowArrays empty(Tensor::zeros({0, 4}), Tensor::zeros({0, 1}), 2, 1);
  expect_error<ValueError>([&] { m.predict(empty, {.verbose = 0}); }, {"no batches"});
}

class Failing : public utils::PyDataset {
 public:
  Failing() : PyDataset({.workers = 3}) {}
  int64_t size() const override { return 6; }
  utils::DataBatch get(int64_t i) override {
    if (i == 3) throw std::runtime_error("disk error reading batch 3");
    return {{testing::random_tensor({2, 4}, static_cast<uint64_t>(i))}, {Tensor::zeros({2, 1})}};
  }
};

TEST(PyDataset, ErrorsReachTheTrainingThread) {
  Failing data;
  Sequential m = small_model();
  expect_error<std::runtime_error>([&] { m.fit(data, {.epochs = 1, .verbose = 0}); }, {"batch 3"});
  expect_error<ValueError>([] { SlowArrays(Tensor::ones({2, 4}), Tensor::ones({2, 1}), 1, 0); }, {"workers"});
  const Tensor x = testing::random_tensor({8, 4}, 7), y = testing::random_tensor({8, 1}, 8);
  SlowArrays ok(x, y, 4, 1);
  expect_error<ValueError>([&] { m.fit(ok, {.verbose = 0, .validation_split = 0.5}); }, {"validation_split"});
  // A batch that does not fit the model names the model's input.
  SlowArrays wrong(Tensor::ones({4, 5}), Tensor::ones({4, 1}), 2, 2);
  EXPECT_THROW(m.fit(wrong, {.verbose = 0}), ValueError);
}

TEST(DataGenerator, StepsPerEpochOrUntilItEnds) {
  const Tensor x = testing::random_tensor({24, 4}, 9), y = testing::random_tensor({24, 1}, 10);
  int64_t next = 0;
  auto endless = [&]() -> std::optional<utils::DataBatch> {
    const int64_t i = next++ % 3;
    return utils::DataBatch{{x.slice(i * 8, i * 8 + 8)}, {y.slice(i * 8, i * 8 + 8)}};
  };
  Sequential a = small_model(), b = small_model();
  a.fit(utils::DataGenerator(endless), {.epochs = 2, .verbose = 0, .steps_per_epoch = 3});
  EXPECT_EQ(next, 6);
  b.fit(x, y, {.batch_size = 8, .epochs = 2, .verbose = 0, .shuffle = false});
  EXPECT_EQ(flat_weights(a), flat_weights(b));
  // A generator that ends: the first epoch takes all it has; the next finds nothing and
  // training stops with a warning, as Keras's "ran out of data".
  int64_t left = 3;
  auto finite = [&]() -> std::optional<utils::DataBatch> {
    if (left == 0) return std::nullopt;
    --left;
    return utils::DataBatch{{x.slice(0, 8)}, {y.slice(0, 8)}};
  };
  Sequential c = small_model();
  const auto h = c.fit(utils::DataGenerator(finite), {.epochs = 3, .verbose = 0});
  EXPECT_EQ(h.epoch, std::vector<int>{0});
}

}  // namespace
}  // namespace keras
