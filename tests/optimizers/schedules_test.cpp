// Learning-rate schedules: Keras's formulas, their use by the optimizers, and their
// place in saved compile configs and optimizer state.
#include "keras/optimizers/schedules.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "keras/saving/saving.h"
#include "saving/hdf5/reader.h"
#include "saving/zip_archive.h"
#include "test_utils.h"

namespace keras::optimizers {
namespace {

using namespace schedules;
using testing::expect_error;

TEST(Schedules, KerasFormulas) {
  EXPECT_NEAR(ExponentialDecay(0.1, 10, 0.5)(5), 0.1 * std::pow(0.5, 0.5), 1e-12);
  EXPECT_NEAR(ExponentialDecay(0.1, 10, 0.5, true)(15), 0.05, 1e-12);
  EXPECT_NEAR(InverseTimeDecay(0.1, 10, 0.5)(20), 0.05, 1e-12);
  EXPECT_NEAR(InverseTimeDecay(0.1, 10, 0.5, true)(19), 0.1 / 1.5, 1e-12);
  EXPECT_NEAR(PolynomialDecay(0.1, 10, 0.01, 2.0)(5), 0.09 * 0.25 + 0.01, 1e-12);
  EXPECT_NEAR(PolynomialDecay(0.1, 10, 0.01, 2.0)(20), 0.01, 1e-12);
  EXPECT_NEAR(PolynomialDecay(0.1, 10, 0.01, 2.0, true)(15), 0.09 * 0.0625 + 0.01, 1e-12);  // over 20 steps
  const PiecewiseConstantDecay piecewise({10, 20}, {1.0, 0.5, 0.1});
  EXPECT_EQ(piecewise(10), 1.0);
  EXPECT_EQ(piecewise(11), 0.5);
  EXPECT_EQ(piecewise(20), 0.5);
  EXPECT_EQ(piecewise(21), 0.1);
  EXPECT_NEAR(CosineDecay(0.1, 100, 0.1)(50), 0.1 * (0.9 * 0.5 + 0.1), 1e-12);
  EXPECT_NEAR(CosineDecay(0.1, 100, 0.1)(500), 0.01, 1e-12);
  const CosineDecay warm(0.0, 100, 0.0, "CosineDecay", 0.1, 10);
  EXPECT_NEAR(warm(5), 0.05, 1e-12);
  EXPECT_NEAR(warm(10), 0.1, 1e-12);
  EXPECT_NEAR(warm(60), 0.05, 1e-12);
  expect_error<ValueError>([] { ExponentialDecay(0.1, 0, 0.5); }, {"decay_steps", "> 0"});
  expect_error<ValueError>([] { PiecewiseConstantDecay({10}, {1.0}); }, {"1 less than"});
  expect_error<ValueError>([] { LearningRateSchedule::from_config("StepDecay", {}); }, {"Unknown learning rate schedule"});
  EXPECT_NEAR(LearningRateSchedule::from_config("PiecewiseConstantDecay",
                                                {{"boundaries", std::vector<int64_t>{2}}, {"values", std::vector<double>{3, 4}}})(3),
              4.0, 0);
}

TEST(Schedules, OptimizersFollowTheScheduleEachIteration) {
  SGD sgd({.learning_rate = ExponentialDecay(0.1, 1, 0.5)});
  Variable v(Tensor::from_vector<float>({1.f}), "w");
  for (int i = 0; i < 3; ++i) sgd.apply_gradients({Tensor::from_vector<float>({1.f})}, {v});
  EXPECT_NEAR(v.value().item<double>(), 1.0 - (0.1 + 0.05 + 0.025), 1e-6);  // steps 0, 1, 2
  EXPECT_NEAR(sgd.learning_rate(), 0.0125, 1e-12);
  expect_error<ValueError>([&] { sgd.set_learning_rate(0.1); }, {"not settable"});
  EXPECT_EQ(sgd.count_params(), 1);  // iteration only: no learning_rate variable, as Keras
}

TEST(Schedules, SavedAndLoadedWithTheModel) {
  models::Sequential m({keras::Input({3}), layers::Dense(2)});
  m.compile(Adam({.learning_rate = PiecewiseConstantDecay({2}, {0.01, 0.001})}), "mse");
  const Tensor x = testing::random_tensor({8, 3}, 1), y = testing::random_tensor({8, 2}, 2);
  m.fit(x, y, {.batch_size = 4, .epochs = 2, .verbose = 0});
  const std::string path = testing::temp_dir() + "/schedule.keras";
  m.save(path);

  saving::ZipReader zip(path);
  const auto bytes = zip.read("config.json", 1 << 20);
  const auto config = nlohmann::json::parse(std::string(bytes.begin(), bytes.end()));
  const auto& lr = config["compile_config"]["optimizer"]["config"]["learning_rate"];
  EXPECT_EQ(lr["module"], "keras.optimizers.schedules");
  EXPECT_EQ(lr["class_name"], "PiecewiseConstantDecay");
  EXPECT_EQ(lr["config"]["boundaries"], nlohmann::json::parse("[2]"));
  EXPECT_EQ(lr["config"]["values"], nlohmann::json::parse("[0.01, 0.001]"));
  const auto weights = zip.read("model.weights.h5", 1 << 24);
  EXPECT_EQ(saving::hdf5::File::from_bytes(weights, "w").root().get("optimizer/vars").keys().size(), 1u + 2 * 2);

  auto loaded = saving::load_model(path);
  ASSERT_TRUE(loaded->optimizer()->learning_rate_setting().is_schedule());
  EXPECT_EQ(loaded->optimizer()->iterations(), 4);
  EXPECT_DOUBLE_EQ(loaded->optimizer()->learning_rate(), 0.001);  // past the boundary at step 2
}

}  // namespace
}  // namespace keras::optimizers
