// A batch's activations are bounded before it runs: the model adds up what its graph's
// shapes need and refuses a batch over keras::config::max_activation_bytes() with a clear
// message (a 13 KB file asking for terabytes used to end in std::bad_alloc); predict
// splits its batches to fit.
#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras {
namespace {

/// Sets the limit for one test and puts the previous one back.
class BudgetScope {
 public:
  explicit BudgetScope(int64_t bytes) : previous_(config::max_activation_bytes()) {
    config::set_max_activation_bytes(bytes);
  }
  ~BudgetScope() { config::set_max_activation_bytes(previous_); }
  BudgetScope(const BudgetScope&) = delete;
  BudgetScope& operator=(const BudgetScope&) = delete;

 private:
  int64_t previous_;
};

/// Input(100) -> Dense(1000) -> Dense(10): at most the input and the first Dense's output
/// are alive at once, (100 + 1000) floats = 4400 bytes per row.
Model dense_chain() {
  auto x = keras::Input({100}, {.name = "x"});
  auto h = layers::Dense(1000, {.name = "wide"})(x);
  return Model(x, layers::Dense(10, {.name = "out"})(h), "chain");
}
constexpr int64_t kChainBytesPerRow = 4400;

TEST(ActivationBudget, AHostileRepeatVectorIsRefusedBeforeItAllocates) {
  // Saved and loaded, as a user's file would come: 2^30 copies of 1024 floats are 4 TiB
  // per sample, more than any machine's memory (the default limit).
  auto x = keras::Input({1024});
  Model built(x, layers::RepeatVector(int64_t{1} << 30, {.name = "repeat_vector"})(x), "hostile");
  const std::string path = testing::temp_dir() + "/repeat_bomb.keras";
  built.save(path);
  auto model = saving::load_model(path);
  EXPECT_NE(model->summary_string().find("1073741824"), std::string::npos);
  testing::expect_error<ResourceExhaustedError>(
      [&] { model->predict(Tensor::zeros({1, 1024}), {.verbose = 0}); },
      {"Model \"hostile\"", "a batch of 1", "4 TiB", "repeat_vector", "(1, 1073741824, 1024)",
       "set_max_activation_bytes"});
  testing::expect_error<ResourceExhaustedError>([&] { model->predict_on_batch(Tensor::zeros({2, 1024})); },
                                                {"a batch of 2", "8 TiB"});
}

TEST(ActivationBudget, TheLimitIsTheGraphsPeakExactly) {
  Model model = dense_chain();
  const Tensor x = testing::random_tensor({9, 100}, 1);
  BudgetScope budget(8 * kChainBytesPerRow);
  EXPECT_EQ(model.predict_on_batch(testing::random_tensor({8, 100}, 2)).shape(), (Shape{8, 10}));
  testing::expect_error<ResourceExhaustedError>(
      [&] { model.predict_on_batch(x); },
      {"Model \"chain\"", "a batch of 9", "38.7 KiB", "limit of 34.4 KiB", "layer \"wide\"'s output of shape (9, 1000)"});
  model.compile("sgd", losses::Loss("mse"));
  testing::expect_error<ResourceExhaustedError>(
      [&] { model.fit(x, Tensor::zeros({9, 10}), {.batch_size = 9, .verbose = 0}); }, {"a batch of 9"});
  EXPECT_NO_THROW(model.fit(x, Tensor::zeros({9, 10}), {.batch_size = 8, .verbose = 0}));
}

TEST(ActivationBudget, PredictSplitsItsBatchesToFitAndGivesTheSameResult) {
  Model model = dense_chain();
  const Tensor x = testing::random_tensor({50, 100}, 3);
  const Tensor whole = model.predict(x, {.batch_size = 50, .verbose = 0});
  BudgetScope budget(7 * kChainBytesPerRow);
  const Tensor parts = model.predict(x, {.batch_size = 50, .verbose = 0});  // 8 parts of at most 7 rows
  // Rows are independent in inference; only the GEMM's blocking (float rounding) differs.
  testing::expect_allclose(parts, whole, 1e-6, 1e-6);
  // One row over the limit is refused with the reasons, not split further.
  config::set_max_activation_bytes(kChainBytesPerRow - 1);
  testing::expect_error<ResourceExhaustedError>([&] { model.predict(x, {.verbose = 0}); }, {"a batch of 1"});
}

TEST(ActivationBudget, UnknownDimensionsCountAsOneSoTheEstimateIsALowerBound) {
  // (None, 16) sequences: the estimate counts one timestep, so any length runs under a
  // limit that one timestep fits.
  auto x = keras::Input({kNone, 16});
  Model model(x, layers::Dense(4)(x), "sequences");
  BudgetScope budget((16 + 4) * 4);
  EXPECT_EQ(model.predict_on_batch(Tensor::zeros({1, 30, 16})).shape(), (Shape{1, 30, 4}));
  testing::expect_error<ResourceExhaustedError>([&] { model.predict_on_batch(Tensor::zeros({2, 30, 16})); },
                                                {"a batch of 2", "160 bytes"});
}

/// A layer whose allocation fails, as a kernel's would on a too-large dynamic shape.
class FailsToAllocate : public layers::Concrete<FailsToAllocate> {
 public:
  FailsToAllocate() : Concrete("FailsToAllocate", layers::LayerArgs{.name = "greedy"}) {}
  Tensor call(const Tensor&, const layers::CallContext&) override { throw std::bad_alloc(); }
};

TEST(ActivationBudget, AnAllocationFailingInsideALayerNamesTheLayer) {
  auto x = keras::Input({3});
  Model model(x, FailsToAllocate()(x), "m");
  testing::expect_error<ResourceExhaustedError>([&] { model.predict_on_batch(Tensor::zeros({2, 3})); },
                                                {"Model \"m\"", "layer \"greedy\"", "out of memory", "(2, 3)"});
}

TEST(ActivationBudget, TheLimitMustBePositive) {
  testing::expect_error<ValueError>([] { config::set_max_activation_bytes(0); }, {"set_max_activation_bytes", "0"});
  EXPECT_GT(config::max_activation_bytes(), int64_t{1} << 20);  // the machine's memory
}

}  // namespace
}  // namespace keras
