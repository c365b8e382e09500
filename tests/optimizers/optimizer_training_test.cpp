// Every optimizer trains a small regression through compile/fit, and a model compiled
// with the new optimizers saves and loads its optimizer state in Keras's optimizer/vars
// order (training resumed from the file continues as uninterrupted training would).
#include <cctype>
#include <filesystem>
#include <functional>

#include "keras/optimizers/adadelta.h"
#include "keras/optimizers/adafactor.h"
#include "keras/optimizers/adagrad.h"
#include "keras/optimizers/adamax.h"
#include "keras/optimizers/adamw.h"
#include "keras/optimizers/ftrl.h"
#include "keras/optimizers/lamb.h"
#include "keras/optimizers/lion.h"
#include "keras/optimizers/muon.h"
#include "keras/optimizers/nadam.h"
#include "keras/optimizers/schedule_free_adamw.h"
#include "keras/saving/saving.h"
#include "saving/legacy_h5.h"
#include "test_utils.h"

namespace keras::optimizers {
namespace {

namespace fs = std::filesystem;
using namespace layers;
using Make = std::function<OptimizerRef()>;

models::Sequential make_model(const OptimizerRef& opt) {
  models::Sequential m({keras::Input({4}),
                        Dense(8, {.activation = "tanh", .kernel_initializer = initializers::GlorotUniform(3)}),
                        Dense(1, {.kernel_initializer = initializers::GlorotUniform(4)})});
  m.compile(opt, "mse");
  return m;
}

const Tensor kX = testing::random_tensor({32, 4}, 31);
// y = x . [0.5, -1, 0.25, 0.8] (a linear target the model can fit).
const Tensor kY = ops::matmul(kX, Tensor::from_vector<float>({0.5f, -1.f, 0.25f, 0.8f}, {4, 1}));

void train(models::Model& m, int epochs) {
  m.fit(kX, kY,
        {.batch_size = 8,
         .epochs = epochs,
         .verbose = 0,
         .callbacks = {},
         .validation_split = 0.0,
         .validation_data = {},
         .shuffle = false});
}

double loss_of(models::Model& m) { return m.evaluate(kX, kY, {.batch_size = 32, .verbose = 0}).at("loss"); }

TEST(OptimizerTraining, EveryOptimizerLowersTheLoss) {
  const std::vector<std::pair<std::string, Make>> optimizers{
      {"adamw", [] { return OptimizerRef(AdamW({.learning_rate = 0.02})); }},
      {"adamax", [] { return OptimizerRef(Adamax({.learning_rate = 0.02})); }},
      {"nadam", [] { return OptimizerRef(Nadam({.learning_rate = 0.02})); }},
      {"adagrad", [] { return OptimizerRef(Adagrad({.learning_rate = 0.1})); }},
      {"adadelta", [] { return OptimizerRef(Adadelta({.learning_rate = 1.0})); }},
      {"ftrl", [] { return OptimizerRef(Ftrl({.learning_rate = 0.1})); }},
      {"lion", [] { return OptimizerRef(Lion({.learning_rate = 0.005})); }},
      {"lamb", [] { return OptimizerRef(Lamb({.learning_rate = 0.02})); }},
      {"adafactor", [] { return OptimizerRef(Adafactor({.learning_rate = 0.05})); }},
      {"muon", [] { return OptimizerRef(Muon({.learning_rate = 0.01})); }},
      {"schedule_free_adamw", [] { return OptimizerRef(ScheduleFreeAdamW({.learning_rate = 0.02})); }},
      {"adam+ema+accumulation",
       [] { return OptimizerRef(Adam({.learning_rate = 0.02, .use_ema = true, .gradient_accumulation_steps = 2})); }},
      {"string",
       [] {
         OptimizerRef r("nadam");  // Keras's defaults, then a faster rate
         r.ptr()->set_learning_rate(0.02);
         return r;
       }},
  };
  for (const auto& [name, make] : optimizers) {
    SCOPED_TRACE(name);
    auto m = make_model(make());
    const double before = loss_of(m);
    train(m, 5);
    const double after = loss_of(m);
    EXPECT_LT(after, 0.9 * before);
  }
}

std::string scratch(const std::string& name) {
  const fs::path dir = fs::path(testing::temp_dir()) / "keras3_optimizer_state";
  fs::create_directories(dir);
  return (dir / name).string();
}

void expect_same_weights(const models::Model& a, const models::Model& b) {
  const auto wa = a.get_weights(), wb = b.get_weights();
  ASSERT_EQ(wa.size(), wb.size());
  for (size_t i = 0; i < wa.size(); ++i)
    testing::expect_allclose(wb[i], wa[i], 1e-6, 1e-5, "weight " + std::to_string(i));
}

TEST(OptimizerTraining, SavedStateResumesTraining) {
  const std::vector<std::pair<std::string, Make>> optimizers{
      {"adamw", [] { return OptimizerRef(AdamW({.learning_rate = 0.01, .weight_decay = 0.05})); }},
      {"adamw_ema_accum",
       [] { return OptimizerRef(AdamW({.learning_rate = 0.01, .use_ema = true, .gradient_accumulation_steps = 3})); }},
      {"nadam", [] { return OptimizerRef(Nadam({.learning_rate = 0.01})); }},
      {"adafactor", [] { return OptimizerRef(Adafactor({.learning_rate = 0.05})); }},
      {"ftrl", [] { return OptimizerRef(Ftrl({.learning_rate = 0.1, .l1_regularization_strength = 0.001})); }},
      {"muon", [] { return OptimizerRef(Muon({.learning_rate = 0.01})); }},
      {"schedule_free_adamw", [] { return OptimizerRef(ScheduleFreeAdamW({.learning_rate = 0.02})); }},
  };
  for (const auto& [name, make] : optimizers) {
    SCOPED_TRACE(name);
    auto reference = make_model(make());
    train(reference, 2);
    const std::string path = scratch(name + ".keras");
    reference.save(path);
    auto resumed = saving::load_model(path);
    ASSERT_TRUE(resumed->compiled());
    EXPECT_EQ(resumed->optimizer()->class_name(), reference.optimizer()->class_name());
    EXPECT_EQ(resumed->optimizer()->get_config(), reference.optimizer()->get_config());
    EXPECT_EQ(resumed->optimizer()->raw_iterations(), 8);  // 2 epochs of 4 batches
    const TensorList a = reference.optimizer()->state_values(reference.trainable_weights());
    const TensorList b = resumed->optimizer()->state_values(resumed->trainable_weights());
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].shape(), b[i].shape()) << "state " << i;
      testing::expect_allclose(b[i].astype(DType::float64), a[i].astype(DType::float64), 1e-7, 1e-6,
                               "state " + std::to_string(i));
    }
    train(reference, 1);
    train(*resumed, 1);
    expect_same_weights(reference, *resumed);
  }
}

TEST(OptimizerTraining, CompileConfigsAsKeras3WritesThem) {
  // compile_config["optimizer"] as a Keras 3 .keras file holds it, by object and by name.
  auto m = make_model("sgd");
  saving::apply_compile_config(m, saving::json::parse(R"({"optimizer": {"module": "keras.optimizers",
      "class_name": "AdamW", "config": {"name": "adamw", "learning_rate": 0.0020000000949949026,
      "weight_decay": 0.01, "clipnorm": null, "global_clipnorm": null, "clipvalue": null, "use_ema": false,
      "ema_momentum": 0.99, "ema_overwrite_frequency": null, "loss_scale_factor": null,
      "gradient_accumulation_steps": null, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": true},
      "registered_name": null}, "loss": "mean_squared_error", "loss_weights": null, "metrics": null,
      "weighted_metrics": null, "run_eagerly": false, "steps_per_execution": 1, "jit_compile": false})"));
  ASSERT_TRUE(m.compiled());
  EXPECT_EQ(m.optimizer()->class_name(), "AdamW");
  EXPECT_TRUE(std::dynamic_pointer_cast<AdamW>(m.optimizer())->options().amsgrad);
  for (const char* name :
       {"nadam", "adamw", "adagrad", "adadelta", "adamax", "ftrl", "lion", "adafactor", "muon", "schedulefreeadamw"}) {
    auto n = make_model("sgd");
    saving::apply_compile_config(
        n, saving::json::parse(std::string(R"({"optimizer": ")") + name + R"(", "loss": "mean_squared_error"})"));
    ASSERT_TRUE(n.compiled());
    std::string cls = n.optimizer()->class_name();
    for (char& ch : cls) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_EQ(cls, name);
  }
}

}  // namespace
}  // namespace keras::optimizers
