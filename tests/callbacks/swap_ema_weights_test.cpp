// SwapEMAWeights: validation and predict see the optimizer's moving averages, training
// never does, and swap_on_epoch leaves them in the model for the callbacks after it.
#include "keras/callbacks/swap_ema_weights.h"

#include "keras/callbacks/lambda_callback.h"
#include "test_utils.h"

namespace keras::callbacks {
namespace {

using testing::expect_error;

struct Data {
  Tensor x = testing::random_tensor({48, 3}, 21), y;
  Tensor val_x = testing::random_tensor({16, 3}, 22), val_y;
  Data() {
    const Tensor w = testing::random_tensor({3, 2}, 23);
    y = ops::tanh(ops::matmul(x, w));
    val_y = ops::tanh(ops::matmul(val_x, w));
  }
};

// ema_momentum 0.5 keeps the averages well apart from the weights.
models::Sequential ema_model(bool use_ema = true) {
  models::Sequential m({keras::Input({3}),
                        layers::Dense(4, {.activation = "tanh", .kernel_initializer = initializers::GlorotUniform(1)}),
                        layers::Dense(2, {.kernel_initializer = initializers::GlorotUniform(2)})});
  m.compile(optimizers::SGD({.learning_rate = 0.2, .use_ema = use_ema, .ema_momentum = 0.5}), "mse");
  return m;
}

std::vector<float> flat(const std::vector<Variable>& vars) {
  std::vector<float> out;
  for (const auto& v : vars) {
    const auto values = v.value().to_vector<float>();
    out.insert(out.end(), values.begin(), values.end());
  }
  return out;
}

/// The moving averages, read from the optimizer's state (Keras's order: iteration,
/// learning_rate, then one average per trainable weight).
std::vector<float> averages(models::Model& m) {
  const auto trainable = m.trainable_weights();
  const TensorList state = m.optimizer()->state_values(trainable);
  std::vector<float> out;
  for (size_t i = 0; i < trainable.size(); ++i) {
    const auto values = state.at(2 + i).to_vector<float>();
    out.insert(out.end(), values.begin(), values.end());
  }
  return out;
}

double mse(const Tensor& a, const Tensor& b) { return ops::mean(ops::square(a - b)).item<double>(); }

/// What the callback should produce, computed by hand at each epoch's end of a run
/// without it: the validation loss of the averages and of the weights, and the averages.
class Reference : public Callback {
 public:
  explicit Reference(const Data& d) : d_(d) {}
  void on_epoch_end(int, const Logs&) override {
    models::Model& m = *model();
    averages_at_end.push_back(averages(m));
    weights_at_end.push_back(flat(m.trainable_weights()));
    val_loss_of_weights.push_back(mse(m.predict(d_.val_x, {.verbose = 0}), d_.val_y));
    m.optimizer()->swap_moving_averages(m.trainable_weights());
    val_loss_of_averages.push_back(mse(m.predict(d_.val_x, {.verbose = 0}), d_.val_y));
    m.optimizer()->swap_moving_averages(m.trainable_weights());
  }
  std::vector<std::vector<float>> averages_at_end, weights_at_end;
  std::vector<double> val_loss_of_weights, val_loss_of_averages;

 private:
  const Data& d_;
};

models::FitOptions fit_options(const Data& d, std::vector<std::shared_ptr<Callback>> cbs) {
  return {.batch_size = 8,
          .epochs = 3,
          .verbose = 0,
          .callbacks = std::move(cbs),
          .validation_data = models::ValidationData(d.val_x, d.val_y),
          .shuffle = false};
}

/// Three epochs without the callback, recording what it should produce.
struct ReferenceRun {
  Data d;
  models::Sequential model = ema_model();
  std::shared_ptr<Reference> reference = std::make_shared<Reference>(d);
  History history = model.fit(d.x, d.y, fit_options(d, {reference}));
};

TEST(SwapEMAWeights, SwapTradesWeightsAndAveragesInPlace) {
  Data d;
  auto m = ema_model();
  auto& opt = *m.optimizer();
  opt.swap_moving_averages(m.trainable_weights());  // before any update: nothing to swap
  m.train_on_batch(d.x, d.y);
  m.train_on_batch(d.x, d.y);
  const auto w = flat(m.trainable_weights()), avg = averages(m);
  ASSERT_NE(w, avg);
  opt.swap_moving_averages(m.trainable_weights());
  EXPECT_EQ(flat(m.trainable_weights()), avg);
  EXPECT_EQ(averages(m), w);
  opt.swap_moving_averages(m.trainable_weights());
  EXPECT_EQ(flat(m.trainable_weights()), w);
  opt.copy_variables_to_moving_averages(m.trainable_weights());
  EXPECT_EQ(averages(m), w);
}

TEST(SwapEMAWeights, ValidationSeesTheAveragesAndTrainingDoesNot) {
  ReferenceRun run;
  const Data& d = run.d;
  const auto& reference = run.reference;
  auto m = ema_model();
  const auto got = m.fit(d.x, d.y, fit_options(d, {std::make_shared<SwapEMAWeights>()}));
  EXPECT_EQ(got.history.at("loss"), run.history.history.at("loss"));  // the swaps left training alone
  const auto& val = got.history.at("val_loss");
  ASSERT_EQ(val.size(), 3u);
  for (size_t e = 0; e < 3; ++e) {
    EXPECT_NEAR(val[e], reference->val_loss_of_averages[e], 1e-5) << e;
    EXPECT_GT(std::abs(val[e] - reference->val_loss_of_weights[e]), 1e-4) << e;  // a real difference
  }
  // fit ends with the averages in the model (Keras's finalize_variable_values), both ways.
  EXPECT_EQ(flat(m.trainable_weights()), flat(run.model.trainable_weights()));
  EXPECT_EQ(flat(m.trainable_weights()), reference->averages_at_end.back());
}

TEST(SwapEMAWeights, SwapOnEpochShowsTheAveragesToLaterCallbacks) {
  ReferenceRun run;
  const Data& d = run.d;
  const auto& reference = run.reference;
  auto m = ema_model();
  std::vector<std::vector<float>> seen;
  auto after = std::make_shared<LambdaCallback>(
      LambdaCallbackOptions{.on_epoch_end = [&](int, const Logs&) { seen.push_back(flat(m.trainable_weights())); }});
  const auto got =
      m.fit(d.x, d.y,
            fit_options(d, {std::make_shared<SwapEMAWeights>(SwapEMAWeightsOptions{.swap_on_epoch = true}), after}));
  EXPECT_EQ(got.history.at("loss"), run.history.history.at("loss"));
  EXPECT_EQ(seen, reference->averages_at_end);
  EXPECT_EQ(flat(m.trainable_weights()), reference->averages_at_end.back());
}

TEST(SwapEMAWeights, PredictUsesTheAveragesAndPutsTheWeightsBack) {
  Data d;
  auto m = ema_model();
  m.fit(d.x, d.y, {.batch_size = 8, .epochs = 1, .verbose = 0, .shuffle = false});
  m.train_on_batch(d.x, d.y);  // the weights move away from the averages fit left in
  const auto w = flat(m.trainable_weights());
  m.optimizer()->swap_moving_averages(m.trainable_weights());
  const auto want = m.predict(d.val_x, {.verbose = 0}).to_vector<float>();
  m.optimizer()->swap_moving_averages(m.trainable_weights());

  const auto swap = std::make_shared<SwapEMAWeights>();
  EXPECT_EQ(m.predict(d.val_x, {.verbose = 0, .callbacks = {swap}}).to_vector<float>(), want);
  EXPECT_EQ(flat(m.trainable_weights()), w);  // (Keras 3 leaves the averages in here)
  EXPECT_NE(m.predict(d.val_x, {.verbose = 0}).to_vector<float>(), want);
}

TEST(SwapEMAWeights, NeedsAnOptimizerWithUseEma) {
  Data d;
  auto m = ema_model(/*use_ema=*/false);
  expect_error<ValueError>([&] { m.fit(d.x, d.y, fit_options(d, {std::make_shared<SwapEMAWeights>()})); }, {"use_ema"});
  models::Sequential uncompiled({keras::Input({3}), layers::Dense(2)});
  expect_error<ValueError>(
      [&] { uncompiled.predict(d.val_x, {.verbose = 0, .callbacks = {std::make_shared<SwapEMAWeights>()}}); },
      {"SwapEMAWeights", "optimizer"});
}

}  // namespace
}  // namespace keras::callbacks
