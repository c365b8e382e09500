// Regularizers: Keras's formulas, gradients, and their penalties in the loss of fit and
// evaluate (weight regularizers, activity regularizers, ActivityRegularization).
#include "keras/regularizers/regularizers.h"

#include "test_utils.h"

namespace keras::regularizers {
namespace {

using testing::expect_error;

const Tensor kX = Tensor::from_vector<float>({1.f, -2.f, 3.f, -0.5f}, {2, 2});

double value_of(const Regularizer& r) { return r(kX).item<double>(); }

TEST(Regularizers, KerasFormulasAndNames) {
  EXPECT_NEAR(value_of(L1(0.1)), 0.1 * 6.5, 1e-6);
  EXPECT_NEAR(value_of(L2(0.01)), 0.01 * 14.25, 1e-6);
  EXPECT_NEAR(value_of(L1L2(0.1, 0.01)), 0.65 + 0.1425, 1e-6);
  EXPECT_NEAR(value_of(L1L2()), 0.0, 1e-12);  // Keras's defaults: both 0
  // Keras's regularizers.get: names with the default factor 0.01.
  EXPECT_NEAR(value_of("l2"), 0.01 * 14.25, 1e-6);
  EXPECT_NEAR(value_of("L1"), 0.01 * 6.5, 1e-6);
  EXPECT_NEAR(value_of("l1l2"), 0.0, 1e-12);                     // Keras 3: L1L2's defaults
  EXPECT_NEAR(value_of("l1_l2"), 0.01 * 6.5 + 0.01 * 14.25, 1e-6);  // tf.keras's l1_l2()
  EXPECT_NEAR(value_of(Regularizer::from_config("L2", {{"l2", 0.5}})), 0.5 * 14.25, 1e-5);
  EXPECT_FALSE(static_cast<bool>(Regularizer()));
  expect_error<ValueError>([] { L2(-1.0); }, {"l2", "non-negative"});
  expect_error<ValueError>([] { Regularizer("l3"); }, {"Unknown regularizer", "l3"});
}

TEST(Regularizers, Gradients) {
  for (const Regularizer& r : {Regularizer(L2(0.3)), Regularizer(L1(0.2)), Regularizer(L1L2(0.1, 0.2))}) {
    Tensor x = testing::random_tensor({3, 4}, 5, -1.0, 1.0, /*away_from_zero=*/true);
    x.set_requires_grad(true);
    testing::check_gradients([&](const TensorList& in) { return r(in[0]); }, {x});
  }
}

// A one-batch evaluation gives the step's loss exactly.
double evaluate_loss(models::Model& m, const Tensor& x, const Tensor& y) {
  return m.evaluate(x, y, {.batch_size = x.dim(0), .verbose = 0, .callbacks = {}}).at("loss");
}

double mse(const Tensor& a, const Tensor& b) { return ops::mean(ops::square(a - b)).item<double>(); }

TEST(Regularizers, WeightPenaltiesJoinTheLossOfEvaluateAndFit) {
  const Tensor x = testing::random_tensor({16, 5}, 1), y = testing::random_tensor({16, 3}, 2);
  layers::LayerHandle dense =
      layers::Dense(3, {.bias_initializer = "ones", .kernel_regularizer = L2(0.1), .bias_regularizer = L1(0.05)});
  models::Sequential m({keras::Input({5}), dense});
  m.compile("sgd", "mse");
  const auto* d = dynamic_cast<const layers::Dense*>(dense.ptr().get());
  const Tensor kernel = d->kernel().value().detach(), bias = d->bias().value().detach();
  const double penalty = 0.1 * ops::sum(ops::square(kernel)).item<double>() + 0.05 * ops::sum(ops::abs(bias)).item<double>();
  EXPECT_NEAR(evaluate_loss(m, x, y), mse(m.predict(x, {.batch_size = 16, .verbose = 0, .callbacks = {}}), y) + penalty, 1e-5);
  EXPECT_EQ(m.regularization_losses().size(), 2u);

  // Training against zero targets with a strong L2 shrinks the kernel more than without.
  auto final_norm = [&](double l2) {
    models::Sequential s({keras::Input({5}), layers::Dense(3, {.kernel_initializer = initializers::GlorotUniform(3),
                                                                .kernel_regularizer = L2(l2)})});
    s.compile(optimizers::SGD({.learning_rate = 0.05}), "mse");
    s.fit(x, Tensor::zeros({16, 3}), {.batch_size = 16, .epochs = 30, .verbose = 0});
    return ops::sum(ops::square(s.layers()[0]->trainable_weights()[0].value())).item<double>();
  };
  EXPECT_LT(final_norm(0.5), 0.5 * final_norm(0.0));
}

TEST(Regularizers, ActivityPenaltiesJoinTheLoss) {
  const Tensor x = testing::random_tensor({8, 4}, 3), y = testing::random_tensor({8, 2}, 4);
  // Keras 3 adds activity_regularizer(output) of each call, not divided by the batch size.
  models::Sequential m({keras::Input({4}), layers::Dense(2, {.activity_regularizer = L1(0.01)})});
  m.compile("sgd", "mse");
  const Tensor out = m.predict(x, {.batch_size = 8, .verbose = 0, .callbacks = {}});
  EXPECT_NEAR(evaluate_loss(m, x, y), mse(out, y) + 0.01 * ops::sum(ops::abs(out)).item<double>(), 1e-5);

  models::Sequential a({keras::Input({4}), layers::Dense(2), layers::ActivityRegularization({.l1 = 0.0, .l2 = 0.2})});
  a.compile("sgd", "mse");
  const Tensor h = a.predict(x, {.batch_size = 8, .verbose = 0, .callbacks = {}});
  EXPECT_NEAR(evaluate_loss(a, x, y), mse(h, y) + 0.2 * ops::sum(ops::square(h)).item<double>(), 1e-5);
  // The penalty pulls the activations towards zero in training.
  const double before = ops::sum(ops::square(h)).item<double>();
  models::Sequential strong({keras::Input({4}), layers::Dense(2, {.kernel_initializer = initializers::GlorotUniform(5)}),
                             layers::ActivityRegularization({.l1 = 0.0, .l2 = 1.0})});
  strong.compile(optimizers::SGD({.learning_rate = 0.05}), "mse");
  strong.fit(x, y, {.batch_size = 8, .epochs = 40, .verbose = 0});
  const Tensor after = strong.predict(x, {.batch_size = 8, .verbose = 0, .callbacks = {}});
  EXPECT_LT(ops::sum(ops::square(after)).item<double>(), before);
  expect_error<ValueError>([] { layers::ActivityRegularization({.l1 = -1.0}); }, {"l1"});
}

}  // namespace
}  // namespace keras::regularizers
