// What every Keras optimizer does around its update (keras/src/optimizers/base_optimizer.py):
// the EMA of the weights, gradient accumulation, exclude_from_weight_decay,
// loss_scale_factor, and the config every optimizer writes and reads.
#include <cmath>

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
#include "keras/optimizers/schedules.h"
#include "saving/json_utils.h"
#include "test_utils.h"

namespace keras::optimizers {
namespace {

using Vec = std::vector<double>;
const Vec kStart{0.5, -1.0, 2.0};
const std::vector<Vec> kGrads{{0.1, -0.2, 0.3}, {-0.4, 0.5, 0.05}, {0.2, 0.2, -0.6}, {0.3, -0.1, 0.1}};

Variable make_var(const std::string& name = "w") {
  return Variable(Tensor::from_vector<float>({0.5f, -1.f, 2.f}), name);
}
Tensor grad(const Vec& g) { return Tensor::from_vector(std::vector<float>(g.begin(), g.end())); }

void expect_near(const Vec& got, const Vec& want, double tol = 1e-5) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
}

TEST(BaseOptimizer, EmaOfTheWeightsAndFinalize) {
  // _update_model_variables_moving_average: the average is the weights at the first
  // update, then avg = m avg + (1 - m) w; finalize_variable_values copies it in.
  SGD opt({.learning_rate = 0.1, .use_ema = true, .ema_momentum = 0.5});
  Variable v = make_var();
  Vec w = kStart, avg(3, 0);
  for (size_t step = 0; step < 3; ++step) {
    opt.apply_gradients({grad(kGrads[step])}, {v});
    const double m = step == 0 ? 0.0 : 0.5;
    for (size_t i = 0; i < 3; ++i) {
      w[i] -= 0.1 * kGrads[step][i];
      avg[i] = m * avg[i] + (1 - m) * w[i];
    }
  }
  expect_near(v.value().to_vector<double>(), w);
  // State: iteration, learning_rate, then the averages (before any slot of the optimizer).
  const TensorList s = opt.state_values({v});
  ASSERT_EQ(s.size(), 3u);
  expect_near(s[2].to_vector<double>(), avg);
  opt.finalize_variable_values({v});
  expect_near(v.value().to_vector<double>(), avg);
}

TEST(BaseOptimizer, EmaOverwriteFrequency) {
  // Every ema_overwrite_frequency updates the weights become the average, and the next
  // updates start from there.
  SGD opt({.learning_rate = 0.1, .use_ema = true, .ema_momentum = 0.9, .ema_overwrite_frequency = 2});
  Variable v = make_var();
  Vec w = kStart, avg(3, 0);
  for (size_t step = 0; step < 4; ++step) {
    opt.apply_gradients({grad(kGrads[step])}, {v});
    const double m = step == 0 ? 0.0 : 0.9;
    for (size_t i = 0; i < 3; ++i) {
      w[i] -= 0.1 * kGrads[step][i];
      avg[i] = m * avg[i] + (1 - m) * w[i];
    }
    if ((step + 1) % 2 == 0) w = avg;
  }
  expect_near(v.value().to_vector<double>(), w);
  testing::expect_error<ValueError>([] { SGD({.use_ema = true, .ema_momentum = 1.5}); }, {"ema_momentum", "1.5"});
  testing::expect_error<ValueError>([] { SGD({.use_ema = true, .ema_overwrite_frequency = -1}); },
                                    {"ema_overwrite_frequency"});
}

TEST(BaseOptimizer, GradientAccumulation) {
  // _backend_apply_gradients: every 2nd call updates with the mean of the two gradients;
  // iterations counts updates, the saved "iteration" counts calls, and the bias
  // correction of Adam uses the update count.
  Adam opt({.learning_rate = 0.01, .gradient_accumulation_steps = 2});
  Variable v = make_var();
  Vec w = kStart, m(3, 0), vel(3, 0);
  for (size_t step = 0; step < 4; ++step) {
    opt.apply_gradients({grad(kGrads[step])}, {v});
    if (step % 2 == 0) {
      expect_near(v.value().to_vector<double>(), w);  // accumulated only
      continue;
    }
    const double t = static_cast<double>(step / 2 + 1);
    const double alpha = 0.01 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
    for (size_t i = 0; i < 3; ++i) {
      const double g = (kGrads[step - 1][i] + kGrads[step][i]) / 2;
      m[i] += (g - m[i]) * 0.1;
      vel[i] += (g * g - vel[i]) * 0.001;
      w[i] -= alpha * m[i] / (std::sqrt(vel[i]) + 1e-7);
    }
    expect_near(v.value().to_vector<double>(), w);
  }
  EXPECT_EQ(opt.iterations(), 2);
  EXPECT_EQ(opt.raw_iterations(), 4);
  // State: iteration (calls), learning_rate, the accumulator (zeroed after an update),
  // then momentum and velocity.
  const TensorList s = opt.state_values({v});
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].item<int64_t>(), 4);
  expect_near(s[2].to_vector<double>(), {0, 0, 0});
  expect_near(s[3].to_vector<double>(), m);
  testing::expect_error<ValueError>([] { SGD({.gradient_accumulation_steps = 1}); }, {"gradient_accumulation_steps"});
}

TEST(BaseOptimizer, AccumulationClipsTheMeanAndDecaysOnUpdatesOnly) {
  // Clipping and weight decay act on the update steps, on the mean gradient.
  SGD opt({.learning_rate = 0.1, .weight_decay = 0.5, .clipvalue = 0.2, .gradient_accumulation_steps = 2});
  Variable v = make_var();
  Vec w = kStart;
  for (size_t step = 0; step < 4; ++step) {
    opt.apply_gradients({grad(kGrads[step])}, {v});
    if (step % 2 == 0) continue;
    for (size_t i = 0; i < 3; ++i) {
      const double g = std::clamp((kGrads[step - 1][i] + kGrads[step][i]) / 2, -0.2, 0.2);
      w[i] = w[i] - w[i] * 0.5 * 0.1 - 0.1 * g;
    }
  }
  expect_near(v.value().to_vector<double>(), w);
}

TEST(BaseOptimizer, EmaWithAccumulationUsesTheUpdateCount) {
  // The EMA runs on every call, with momentum 0 while iterations (updates) is 0.
  SGD opt({.learning_rate = 0.1, .use_ema = true, .ema_momentum = 0.5, .gradient_accumulation_steps = 2});
  Variable v = make_var();
  Vec w = kStart, avg(3, 0);
  for (size_t step = 0; step < 4; ++step) {
    opt.apply_gradients({grad(kGrads[step])}, {v});
    if (step % 2 == 1)
      for (size_t i = 0; i < 3; ++i) w[i] -= 0.1 * (kGrads[step - 1][i] + kGrads[step][i]) / 2;
    const double m = step / 2 == 0 ? 0.0 : 0.5;  // iterations before this call's increment
    for (size_t i = 0; i < 3; ++i) avg[i] = m * avg[i] + (1 - m) * w[i];
  }
  // State order: averages, then accumulators.
  const TensorList s = opt.state_values({v});
  ASSERT_EQ(s.size(), 4u);
  expect_near(s[2].to_vector<double>(), avg);
  expect_near(s[3].to_vector<double>(), {0, 0, 0});
}

TEST(BaseOptimizer, ExcludeFromWeightDecay) {
  // exclude_from_weight_decay(var_names=...): a regular-expression search in the name.
  for (int how = 0; how < 2; ++how) {
    SGD sgd({.learning_rate = 0.1, .weight_decay = 0.5});
    Variable kernel = make_var("kernel"), bias = make_var("bias"), other = make_var("bias_like");
    if (how == 0) sgd.exclude_from_weight_decay({"^bias$"});
    else sgd.exclude_from_weight_decay({bias, other});
    EXPECT_TRUE(sgd.use_weight_decay(kernel));
    EXPECT_FALSE(sgd.use_weight_decay(bias));
    EXPECT_EQ(sgd.use_weight_decay(other), how == 0);
    const Vec g{0.1, -0.2, 0.3};
    sgd.apply_gradients({grad(g), grad(g), grad(g)}, {kernel, bias, other});
    Vec decayed(3), plain(3);
    for (size_t i = 0; i < 3; ++i) {
      plain[i] = kStart[i] - 0.1 * g[i];
      decayed[i] = kStart[i] - kStart[i] * 0.5 * 0.1 - 0.1 * g[i];
    }
    expect_near(kernel.value().to_vector<double>(), decayed);
    expect_near(bias.value().to_vector<double>(), plain);
    expect_near(other.value().to_vector<double>(), how == 0 ? decayed : plain);
  }
  SGD sgd;
  testing::expect_error<ValueError>([&] { sgd.exclude_from_weight_decay({"(unclosed"}); }, {"var_names", "(unclosed"});
}

TEST(BaseOptimizer, LossScaleFactor) {
  // apply() divides the gradients by loss_scale_factor; scale_loss multiplies the loss.
  SGD opt({.learning_rate = 0.1, .loss_scale_factor = 4.0});
  EXPECT_NEAR(opt.scale_loss(Tensor::scalar(2.0)).item<double>(), 8.0, 1e-9);
  EXPECT_NEAR(SGD().scale_loss(Tensor::scalar(2.0)).item<double>(), 2.0, 1e-9);
  Variable v = make_var();
  opt.apply_gradients({grad({4.0, -8.0, 0.0})}, {v});
  expect_near(v.value().to_vector<double>(), {0.5 - 0.1, -1.0 + 0.2, 2.0});
}

TEST(BaseOptimizer, ZeroGradientsAndUnbuiltState) {
  // Zero gradients leave Adam's weights where they are; before its first update an
  // optimizer has only iteration and learning_rate.
  Adamax opt;
  Variable v = make_var();
  EXPECT_EQ(opt.state_values({v}).size(), 2u);
  EXPECT_FALSE(opt.built());
  opt.apply_gradients({grad({0, 0, 0})}, {v});
  EXPECT_TRUE(opt.built());
  expect_near(v.value().to_vector<double>(), kStart);
  EXPECT_EQ(opt.state_values({v}).size(), 4u);
}

std::vector<std::shared_ptr<Optimizer>> every_optimizer() {
  return {std::make_shared<SGD>(SGDOptions{.learning_rate = 0.05, .momentum = 0.5, .nesterov = true}),
          std::make_shared<Adam>(AdamOptions{.amsgrad = true, .clipnorm = 1.0}),
          std::make_shared<RMSprop>(RMSpropOptions{.centered = true, .use_ema = true, .ema_overwrite_frequency = 3}),
          std::make_shared<AdamW>(AdamWOptions{.weight_decay = 0.01, .gradient_accumulation_steps = 4}),
          std::make_shared<Adamax>(AdamaxOptions{.beta_2 = 0.99, .loss_scale_factor = 128.0}),
          std::make_shared<Nadam>(NadamOptions{.epsilon = 1e-6, .global_clipnorm = 2.0}),
          std::make_shared<Adagrad>(AdagradOptions{.initial_accumulator_value = 0.3}),
          std::make_shared<Adadelta>(AdadeltaOptions{.rho = 0.9, .clipvalue = 0.5}),
          std::make_shared<Ftrl>(FtrlOptions{.l1_regularization_strength = 0.1, .beta = 0.2}),
          std::make_shared<Lion>(LionOptions{.beta_2 = 0.95, .weight_decay = 0.1}),
          std::make_shared<Lamb>(LambOptions{.use_ema = true, .ema_momentum = 0.9}),
          std::make_shared<Adafactor>(AdafactorOptions{.clip_threshold = 2.0, .relative_step = false}),
          std::make_shared<Muon>(MuonOptions{.adam_weight_decay = 0.01, .ns_steps = 3, .rms_rate = std::nullopt}),
          std::make_shared<ScheduleFreeAdamW>(ScheduleFreeAdamWOptions{.warmup_steps = 10})};
}

TEST(BaseOptimizer, ConfigRoundTripForEveryOptimizer) {
  for (const auto& o : every_optimizer()) {
    SCOPED_TRACE(o->class_name());
    const ConfigMap c = o->get_config();
    // Keras's base keys first, in base_optimizer.get_config's order.
    const std::vector<std::string> base{"name",
                                        "learning_rate",
                                        "weight_decay",
                                        "clipnorm",
                                        "global_clipnorm",
                                        "clipvalue",
                                        "use_ema",
                                        "ema_momentum",
                                        "ema_overwrite_frequency",
                                        "loss_scale_factor",
                                        "gradient_accumulation_steps"};
    ASSERT_GE(c.size(), base.size());
    for (size_t i = 0; i < base.size(); ++i) EXPECT_EQ(c[i].first, base[i]);
    const auto back = from_config(o->class_name(), c);
    EXPECT_EQ(back->class_name(), o->class_name());
    EXPECT_EQ(back->get_config(), c);
    // And by Keras's string name, with Keras's defaults.
    EXPECT_EQ(get(o->class_name())->class_name(), o->class_name());
  }
  EXPECT_EQ(get("adamw")->class_name(), "AdamW");
  EXPECT_EQ(get("nadam")->name(), "nadam");
  testing::expect_error<ValueError>([] { get("adamw2"); }, {"adamw2", "adafactor"});
}

ConfigMap keras_config(const char* text) { return saving::to_config_map(saving::json::parse(text), "test"); }

TEST(BaseOptimizer, FromConfigAsKeras3WritesIt) {
  // model.compile(optimizer=keras.optimizers.AdamW(learning_rate=3e-4, use_ema=True,
  // gradient_accumulation_steps=2)) writes, in compile_config["optimizer"]["config"]:
  const auto adamw = from_config("AdamW", keras_config(R"({"name": "adamw", "learning_rate": 0.0003000000142492354,
      "weight_decay": 0.004, "clipnorm": null, "global_clipnorm": null, "clipvalue": null, "use_ema": true,
      "ema_momentum": 0.99, "ema_overwrite_frequency": null, "loss_scale_factor": null,
      "gradient_accumulation_steps": 2, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": false})"));
  EXPECT_EQ(adamw->class_name(), "AdamW");
  EXPECT_EQ(adamw->name(), "adamw");
  EXPECT_NEAR(adamw->learning_rate(), 3e-4, 1e-10);
  EXPECT_TRUE(adamw->common().use_ema);
  EXPECT_EQ(adamw->common().gradient_accumulation_steps, 2);
  EXPECT_DOUBLE_EQ(*adamw->common().weight_decay, 0.004);

  const auto ftrl = from_config("Ftrl", keras_config(R"({"name": "ftrl", "learning_rate": 0.0010000000474974513,
      "weight_decay": null, "clipnorm": null, "global_clipnorm": null, "clipvalue": null, "use_ema": false,
      "ema_momentum": 0.99, "ema_overwrite_frequency": null, "loss_scale_factor": null,
      "gradient_accumulation_steps": null, "learning_rate_power": -0.5, "initial_accumulator_value": 0.1,
      "l1_regularization_strength": 0.01, "l2_regularization_strength": 0.0,
      "l2_shrinkage_regularization_strength": 0.0, "beta": 0.0})"));
  EXPECT_DOUBLE_EQ(std::dynamic_pointer_cast<Ftrl>(ftrl)->options().l1_regularization_strength, 0.01);

  const auto adafactor = from_config("Adafactor", keras_config(R"({"name": "adafactor", "learning_rate": 0.01,
      "weight_decay": null, "clipnorm": 1.0, "global_clipnorm": null, "clipvalue": null, "use_ema": false,
      "ema_momentum": 0.99, "ema_overwrite_frequency": null, "loss_scale_factor": 8.0,
      "gradient_accumulation_steps": null, "beta_2_decay": -0.8, "epsilon_1": 1e-30, "epsilon_2": 0.001,
      "clip_threshold": 1.0, "relative_step": true})"));
  EXPECT_EQ(adafactor->common().clipnorm, 1.0);
  EXPECT_EQ(adafactor->common().loss_scale_factor, 8.0);
  EXPECT_DOUBLE_EQ(std::dynamic_pointer_cast<Adafactor>(adafactor)->options().epsilon_1, 1e-30);

  // Keras's class-name lookup ignores case; a config may leave keys out.
  EXPECT_EQ(from_config("nadam", {})->class_name(), "Nadam");
  EXPECT_EQ(from_config("LION", keras_config(R"({"beta_1": 0.95})"))->get_config().back().first, "beta_2");
  // AdamW refuses a null weight_decay, as Keras does.
  testing::expect_error<ValueError>([] { from_config("AdamW", keras_config(R"({"weight_decay": null})")); },
                                    {"weight_decay"});
  testing::expect_error<ValueError>([] { from_config("Lamb", keras_config(R"({"beta_1": "high"})")); }, {"beta_1"});
  testing::expect_error<ValueError>(
      [] { from_config("Adagrad", keras_config(R"({"gradient_accumulation_steps": 1.5})")); },
      {"gradient_accumulation_steps"});
}

}  // namespace
}  // namespace keras::optimizers
