// LossScaleOptimizer against keras/src/optimizers/loss_scale_optimizer.py: scale_loss
// multiplies by dynamic_scale (initial_scale before build); apply() with finite gradients
// divides them by the scale, lets the inner optimizer update, and doubles the scale when
// step_counter reaches dynamic_growth_steps - 1 (else counts up); a non-finite gradient
// skips the update, halves the scale and zeroes the counter. Its variables are its own
// iteration and learning_rate, step_counter, dynamic_scale, then the inner optimizer's.
#include "keras/optimizers/loss_scale_optimizer.h"

#include <cmath>
#include <filesystem>
#include <limits>

#include "keras/optimizers/adamw.h"
#include "keras/optimizers/muon.h"
#include "keras/saving/saving.h"
#include "saving/legacy_h5.h"
#include "test_utils.h"

namespace keras::optimizers {
namespace {

namespace fs = std::filesystem;
using testing::expect_error;

std::vector<float> values(const Variable& v) { return v.value().to_vector<float>(); }

TEST(LossScaleOptimizer, ScalesUnscalesGrowsAndHalvesAsKeras) {
  Variable w(Tensor::from_vector<float>({1.f, 2.f}, {2}), "w");
  LossScaleOptimizer opt(SGD({.learning_rate = 0.1}), {.initial_scale = 8.0, .dynamic_growth_steps = 2});
  EXPECT_EQ(opt.scale_loss(Tensor::scalar(3.0)).item<float>(), 24.f);  // initial_scale before build
  EXPECT_EQ(opt.learning_rate(), 0.1);                                 // the inner optimizer's

  // Finite: unscale (8 -> the true gradient [0.5, 1]), SGD step, counter 0 -> 1.
  opt.apply_gradients({Tensor::from_vector<float>({4.f, 8.f}, {2})}, {w});
  EXPECT_NEAR(values(w)[0], 0.95, 1e-7);
  EXPECT_NEAR(values(w)[1], 1.9, 1e-7);
  EXPECT_EQ(opt.step_counter(), 1);
  EXPECT_EQ(opt.dynamic_scale(), 8.0);
  // counter == dynamic_growth_steps - 1: this step doubles the scale and resets the counter.
  opt.apply_gradients({Tensor::from_vector<float>({8.f, -8.f}, {2})}, {w});
  EXPECT_NEAR(values(w)[0], 0.85, 1e-6);
  EXPECT_NEAR(values(w)[1], 2.0, 1e-6);
  EXPECT_EQ(opt.step_counter(), 0);
  EXPECT_EQ(opt.dynamic_scale(), 16.0);
  EXPECT_EQ(opt.scale_loss(Tensor::scalar(3.0)).item<float>(), 48.f);
  EXPECT_EQ(opt.iterations(), 2);

  // inf or NaN anywhere: no update at all, the scale halves, the counter restarts.
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  opt.apply_gradients({Tensor::from_vector<float>({1.f, 2.f}, {2})}, {w});  // counter 1
  const auto before = values(w);
  for (float bad : {inf, -inf, nan}) {
    opt.apply_gradients({Tensor::from_vector<float>({1.f, bad}, {2})}, {w});
    EXPECT_EQ(values(w), before);
    EXPECT_EQ(opt.step_counter(), 0);
  }
  EXPECT_EQ(opt.dynamic_scale(), 2.0);  // 16 / 2 / 2 / 2
  EXPECT_EQ(opt.iterations(), 3);       // skipped steps do not count
  // A gradient the model does not give (undefined) is neither checked nor applied.
  Variable v(Tensor::from_vector<float>({5.f}, {1}), "v");
  LossScaleOptimizer two(SGD({.learning_rate = 1.0}), {.initial_scale = 4.0});
  two.apply_gradients({Tensor(), Tensor::from_vector<float>({4.f}, {1})}, {w, v});
  EXPECT_EQ(values(v)[0], 4.f);
}

TEST(LossScaleOptimizer, WrapsTheInnerOptimizersSettings) {
  std::shared_ptr<Optimizer> inner =
      std::make_shared<Adam>(AdamOptions{.learning_rate = 0.01, .loss_scale_factor = 4.0});
  LossScaleOptimizer opt(inner);
  EXPECT_FALSE(inner->common().loss_scale_factor.has_value());  // Keras sets it to None
  EXPECT_EQ(opt.options().initial_scale, 32768.0);
  EXPECT_EQ(opt.options().dynamic_growth_steps, 2000);
  EXPECT_EQ(opt.name(), "loss_scale_optimizer");
  opt.set_learning_rate(0.5);
  EXPECT_EQ(inner->learning_rate(), 0.5);
  EXPECT_EQ(opt.get_config(), (ConfigMap{{"name", std::string("loss_scale_optimizer")},
                                         {"initial_scale", 32768.0},
                                         {"dynamic_growth_steps", int64_t{2000}}}));
  expect_error<ValueError>([] { (void)LossScaleOptimizer(std::shared_ptr<Optimizer>()); }, {"inner_optimizer", "null"});
  expect_error<ValueError>([] { (void)LossScaleOptimizer(OptimizerRef(LossScaleOptimizer("sgd"))); },
                           {"already a LossScaleOptimizer"});
  expect_error<ValueError>([] { (void)LossScaleOptimizer("sgd", {.initial_scale = 0.0}); }, {"initial_scale"});
  expect_error<ValueError>([] { (void)LossScaleOptimizer("sgd", {.initial_scale = 1e39}); }, {"initial_scale"});
  expect_error<ValueError>([] { (void)LossScaleOptimizer("sgd", {.dynamic_growth_steps = 0}); },
                           {"dynamic_growth_steps"});
}

models::Sequential make_model(const OptimizerRef& opt) {
  models::Sequential m({keras::Input({4}),
                        layers::Dense(8, {.activation = "tanh", .kernel_initializer = initializers::GlorotUniform(3)}),
                        layers::Dense(1, {.kernel_initializer = initializers::GlorotUniform(4)})});
  m.compile(opt, "mse");
  return m;
}

const Tensor kX = testing::random_tensor({32, 4}, 41);
const Tensor kY = ops::matmul(kX, Tensor::from_vector<float>({0.5f, -1.f, 0.25f, 0.8f}, {4, 1}));

void train(models::Model& m, int epochs) {
  m.fit(kX, kY, {.batch_size = 8, .epochs = epochs, .verbose = 0, .shuffle = false});
}

void expect_same_weights(const models::Model& a, const models::Model& b, double tol) {
  const auto wa = a.get_weights(), wb = b.get_weights();
  ASSERT_EQ(wa.size(), wb.size());
  for (size_t i = 0; i < wa.size(); ++i)
    testing::expect_allclose(wb[i], wa[i], tol, tol, "weight " + std::to_string(i));
}

TEST(LossScaleOptimizer, FitMatchesTheInnerOptimizerAlone) {
  // A power-of-two scale multiplies and divides exactly: the same training as without it.
  auto scaled = make_model(LossScaleOptimizer(Adam({.learning_rate = 0.01}), {.dynamic_growth_steps = 3}));
  auto plain = make_model(Adam({.learning_rate = 0.01}));
  train(scaled, 3);
  train(plain, 3);
  expect_same_weights(plain, scaled, 1e-6);
  auto& opt = dynamic_cast<LossScaleOptimizer&>(*scaled.optimizer());
  EXPECT_EQ(opt.iterations(), 12);
  EXPECT_EQ(opt.dynamic_scale(), 32768.0 * 16);  // doubled every 3 of the 12 steps
  // Keras's variables: 4 of its own plus Adam's iteration, learning_rate and 2 per weight.
  EXPECT_EQ(opt.state_values(scaled.trainable_weights()).size(), 4u + 2u + 2u * 4u);
  EXPECT_EQ(opt.count_params(), plain.optimizer()->count_params() + 4);
}

TEST(LossScaleOptimizer, AnOverflowingScaleSkipsStepsUntilTheGradientsAreFinite) {
  // Targets of size ~50 give losses in the thousands: 2**127 times that is inf in float32,
  // so every step is skipped and halves the scale until the scaled loss and its gradients
  // fit, then training proceeds.
  const Tensor big_y = kY * 50.0;
  auto m = make_model(LossScaleOptimizer(Adam({.learning_rate = 0.05}), {.initial_scale = std::ldexp(1.0, 127)}));
  const auto start = m.get_weights();
  const double before = m.evaluate(kX, big_y, {.verbose = 0}).at("loss");
  ASSERT_GT(before, 100.0);
  m.fit(kX, big_y, {.batch_size = 8, .epochs = 1, .verbose = 0, .shuffle = false});
  auto& opt = dynamic_cast<LossScaleOptimizer&>(*m.optimizer());
  EXPECT_EQ(opt.iterations(), 0);  // all 4 steps skipped
  EXPECT_EQ(opt.dynamic_scale(), std::ldexp(1.0, 123));
  for (size_t i = 0; i < start.size(); ++i)
    EXPECT_EQ(start[i].to_vector<float>(), m.get_weights()[i].to_vector<float>());
  m.fit(kX, big_y, {.batch_size = 8, .epochs = 5, .verbose = 0, .shuffle = false});
  EXPECT_GT(opt.iterations(), 0);
  EXPECT_LT(m.evaluate(kX, big_y, {.verbose = 0}).at("loss"), before);
}

std::string scratch(const std::string& name) {
  const fs::path dir = fs::path(testing::temp_dir()) / "loss_scale_optimizer";
  fs::create_directories(dir);
  return (dir / name).string();
}

TEST(LossScaleOptimizer, SavedStateResumesTraining) {
  for (const char* file : {"lso.keras", "lso.h5"}) {
    SCOPED_TRACE(file);
    auto reference = make_model(
        LossScaleOptimizer(AdamW({.learning_rate = 0.01}), {.initial_scale = 1024.0, .dynamic_growth_steps = 3}));
    train(reference, 2);  // 8 steps: the scale doubled twice, the counter at 2
    const std::string path = scratch(file);
    reference.save(path);
    auto resumed = saving::load_model(path);
    ASSERT_TRUE(resumed->compiled());
    auto* opt = dynamic_cast<LossScaleOptimizer*>(resumed->optimizer().get());
    ASSERT_NE(opt, nullptr);
    EXPECT_EQ(opt->inner_optimizer()->class_name(), "AdamW");
    EXPECT_EQ(opt->inner_optimizer()->get_config(),
              dynamic_cast<LossScaleOptimizer&>(*reference.optimizer()).inner_optimizer()->get_config());
    EXPECT_EQ(opt->options().initial_scale, 1024.0);
    EXPECT_EQ(opt->options().dynamic_growth_steps, 3);
    if (std::string(file).ends_with(".h5")) continue;  // legacy .h5 files hold no optimizer state
    EXPECT_EQ(opt->dynamic_scale(), 4096.0);
    EXPECT_EQ(opt->step_counter(), 2);
    EXPECT_EQ(opt->iterations(), 8);
    const TensorList a = reference.optimizer()->state_values(reference.trainable_weights());
    const TensorList b = resumed->optimizer()->state_values(resumed->trainable_weights());
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i)
      testing::expect_allclose(b[i].astype(DType::float64), a[i].astype(DType::float64), 0, 0,
                               "state " + std::to_string(i));
    EXPECT_EQ(a[2].dtype(), DType::int64);    // step_counter
    EXPECT_EQ(a[3].dtype(), DType::float32);  // dynamic_scale
    train(reference, 1);
    train(*resumed, 1);
    expect_same_weights(reference, *resumed, 1e-6);
  }
}

TEST(LossScaleOptimizer, CompileConfigAsKeras3WritesIt) {
  // What Keras 3.15 writes for compile(optimizer=LossScaleOptimizer(AdamW(...))).
  const auto config = saving::json::parse(R"({"optimizer": {"module": "keras.optimizers",
      "class_name": "LossScaleOptimizer", "config": {"name": "loss_scale_optimizer", "inner_optimizer":
      {"module": "keras.optimizers", "class_name": "AdamW", "config": {"name": "adamw",
      "learning_rate": 0.0020000000949949026, "weight_decay": 0.004, "clipnorm": null, "global_clipnorm": null,
      "clipvalue": null, "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": null,
      "loss_scale_factor": null, "gradient_accumulation_steps": null, "beta_1": 0.9, "beta_2": 0.999,
      "epsilon": 1e-07, "amsgrad": false}, "registered_name": null}, "initial_scale": 32768.0,
      "dynamic_growth_steps": 2000}, "registered_name": null}, "loss": "mean_squared_error",
      "loss_weights": null, "metrics": null, "weighted_metrics": null, "run_eagerly": false,
      "steps_per_execution": 1, "jit_compile": false})");
  auto m = make_model("sgd");
  saving::apply_compile_config(m, config);
  ASSERT_TRUE(m.compiled());
  auto& opt = dynamic_cast<LossScaleOptimizer&>(*m.optimizer());
  EXPECT_EQ(opt.inner_optimizer()->class_name(), "AdamW");
  EXPECT_NEAR(opt.learning_rate(), 0.002, 1e-9);
  // Written back key for key as Keras wrote it (inner_optimizer after name).
  EXPECT_EQ(saving::compile_config(m)["optimizer"].dump(), config["optimizer"].dump());

  auto with = [&](const std::string& key, saving::json value) {
    saving::json c = config;
    c["optimizer"]["config"][key] = std::move(value);
    return c;
  };
  // Older files also carry the base optimizer's arguments at their defaults and dynamic=True.
  for (const auto& fine :
       {with("dynamic", true), with("use_ema", false), with("clipnorm", nullptr), with("ema_momentum", 0.99)}) {
    auto n = make_model("sgd");
    EXPECT_TRUE(saving::compile_or_warn(n, fine, "test")) << fine.dump();
  }
  // Damaged or unsupported forms load uncompiled with a warning, never crash.
  for (const auto& bad :
       {with("inner_optimizer", "nosuch"), with("dynamic_growth_steps", 0), with("initial_scale", -1.0),
        with("dynamic", false), with("inner_optimizer", config["optimizer"])}) {
    auto n = make_model("sgd");
    ::testing::internal::CaptureStderr();
    EXPECT_FALSE(saving::compile_or_warn(n, bad, "test")) << bad.dump();
    const std::string warning = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(warning.find("test"), std::string::npos) << warning;
  }
}

TEST(MuonConfig, ExcludeLayersPassesThroughConfigs) {
  Muon opt({.exclude_layers = {"dense_1", "emb.*"}});
  const ConfigMap c = opt.get_config();
  const ConfigValue* v = config_find(c, "exclude_layers");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(std::get<std::vector<std::string>>(*v), (std::vector<std::string>{"dense_1", "emb.*"}));
  EXPECT_EQ(Muon::from_config(c)->options().exclude_layers, opt.options().exclude_layers);
  // Through a compile config as Keras writes it, and back.
  auto m = make_model("sgd");
  saving::apply_compile_config(m, saving::json::parse(R"({"optimizer": {"module": "keras.optimizers",
      "class_name": "Muon", "config": {"name": "muon", "learning_rate": 0.001, "exclude_layers": ["dense", "x"]}},
      "loss": "mse"})"));
  auto& muon = dynamic_cast<Muon&>(*m.optimizer());
  EXPECT_EQ(muon.options().exclude_layers, (std::vector<std::string>{"dense", "x"}));
  EXPECT_EQ(saving::compile_config(m)["optimizer"]["config"]["exclude_layers"], saving::json::array({"dense", "x"}));
  EXPECT_THROW(Muon::from_config({{"exclude_layers", std::vector<double>{1.5}}}), ValueError);
  EXPECT_TRUE(Muon::from_config({{"exclude_layers", std::vector<int64_t>{}}})->options().exclude_layers.empty());
}

}  // namespace
}  // namespace keras::optimizers
