// Optimizer state in saved files (Keras's optimizer/vars layout): training resumed from a
// file continues exactly as uninterrupted training would.
#include <filesystem>

#include "keras/saving/saving.h"
#include "saving/hdf5/reader.h"
#include "test_utils.h"

namespace keras::saving {
namespace {

namespace fs = std::filesystem;
using namespace layers;

std::string scratch(const std::string& name) {
  const fs::path dir = fs::path(testing::temp_dir()) / "optimizer_state";
  fs::create_directories(dir);
  return (dir / name).string();
}

models::Sequential make_model(const optimizers::OptimizerRef& opt) {
  models::Sequential m({keras::Input({6}), Dense(8, {.activation = "tanh", .kernel_initializer = initializers::GlorotUniform(3)}),
                        Dense(2, {.kernel_initializer = initializers::GlorotUniform(4)})});
  m.compile(opt, "mse");
  return m;
}

const Tensor kX = testing::random_tensor({32, 6}, 21), kY = testing::random_tensor({32, 2}, 22);

void train(models::Model& m, int epochs) {
  m.fit(kX, kY, {.batch_size = 8, .epochs = epochs, .verbose = 0, .callbacks = {}, .validation_split = 0.0,
                 .validation_data = {}, .shuffle = false});
}

void expect_same_weights(const models::Model& a, const models::Model& b) {
  const auto wa = a.get_weights(), wb = b.get_weights();
  ASSERT_EQ(wa.size(), wb.size());
  for (size_t i = 0; i < wa.size(); ++i) testing::expect_allclose(wb[i], wa[i], 1e-6, 1e-5, "weight " + std::to_string(i));
}

TEST(OptimizerState, ResumedTrainingMatchesUninterruptedTraining) {
  const std::vector<std::pair<std::string, std::function<optimizers::OptimizerRef()>>> optimizers{
      {"adam", [] { return optimizers::OptimizerRef(optimizers::Adam({.learning_rate = 0.01, .amsgrad = true})); }},
      {"rmsprop", [] { return optimizers::OptimizerRef(optimizers::RMSprop({.learning_rate = 0.01, .momentum = 0.5, .centered = true})); }},
      {"sgd", [] { return optimizers::OptimizerRef(optimizers::SGD({.learning_rate = 0.05, .momentum = 0.9})); }},
  };
  for (const auto& [name, make] : optimizers) {
    SCOPED_TRACE(name);
    auto reference = make_model(make());
    train(reference, 2);
    const std::string path = scratch(name + ".keras");
    reference.save(path);
    auto resumed = load_model(path);
    ASSERT_TRUE(resumed->compiled());
    EXPECT_EQ(resumed->optimizer()->iterations(), reference.optimizer()->iterations());
    train(reference, 1);
    train(*resumed, 1);
    expect_same_weights(reference, *resumed);

    // The same through save_weights / load_weights into a freshly compiled model.
    const std::string wpath = scratch(name + ".weights.h5");
    reference.save_weights(wpath);
    auto again = make_model(make());
    again.load_weights(wpath);
    train(reference, 1);
    train(again, 1);
    expect_same_weights(reference, again);
  }
}

TEST(OptimizerState, FilesFollowKerasLayout) {
  auto m = make_model(optimizers::Adam({.learning_rate = 0.02}));
  const std::string before = scratch("unbuilt.weights.h5");
  m.save_weights(before);
  {
    const auto vars = hdf5::File::open(before).root().get("optimizer/vars");
    EXPECT_EQ(vars.keys().size(), 2u);  // an optimizer before its first step: iteration, learning_rate
  }
  train(m, 1);
  const std::string after = scratch("built.weights.h5");
  m.save_weights(after);
  const auto root = hdf5::File::open(after).root();
  const auto vars = root.get("optimizer/vars");
  ASSERT_EQ(vars.keys().size(), 2u + 2 * 4);  // + momentum and velocity per trainable weight, interleaved
  EXPECT_EQ(vars.get("0").dtype(), DType::int64);
  EXPECT_EQ(vars.get("0").read().item<int64_t>(), 4);  // 32 samples / batch 8
  EXPECT_NEAR(vars.get("1").read().item<double>(), 0.02, 1e-7);
  EXPECT_EQ(vars.get("2").shape(), (Shape{6, 8}));  // momentum of the first kernel
  EXPECT_EQ(vars.get("3").shape(), (Shape{6, 8}));  // its velocity
  EXPECT_EQ(vars.get("4").shape(), (Shape{8}));     // momentum of the first bias

  // Another optimizer's state is skipped with a warning, as Keras does.
  auto other = make_model(optimizers::SGD({.learning_rate = 0.1, .momentum = 0.9}));
  other.load_weights(after);
  EXPECT_EQ(other.optimizer()->iterations(), 0);
  expect_same_weights(m, other);
}

}  // namespace
}  // namespace keras::saving
