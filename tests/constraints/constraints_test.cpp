// Constraints: Keras's projections, and their application after every optimizer step.
#include "keras/constraints/constraints.h"

#include <cmath>

#include "test_utils.h"

namespace keras::constraints {
namespace {

using testing::expect_error;

// Columns (axis 0 norms): (3, 4) has norm 5, (0, 0.5) has norm 0.5.
const Tensor kW = Tensor::from_vector<float>({3.f, 0.f, 4.f, 0.5f}, {2, 2});

void expect_values(const Tensor& got, const std::vector<double>& want) {
  const auto v = got.to_vector<double>();
  ASSERT_EQ(v.size(), want.size());
  for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i], want[i], 1e-5) << "element " << i;
}

TEST(Constraints, KerasFormulas) {
  expect_values(MaxNorm(1.0)(kW), {0.6, 0.0, 0.8, 0.5});    // column 0 scaled to norm 1, column 1 kept
  expect_values(MaxNorm(1.0, {1})(kW), {1.0, 0.0, 4 / std::sqrt(16.25), 0.5 / std::sqrt(16.25)});  // rows
  expect_values(UnitNorm()(kW), {0.6, 0.0, 0.8, 1.0});
  expect_values(NonNeg()(Tensor::from_vector<float>({-1.f, 2.f, 0.f, -0.1f}, {2, 2})), {0.0, 2.0, 0.0, 0.0});
  // MinMaxNorm(0.8, 1, rate 0.5): norm 5 -> 0.5 * 1 + 0.5 * 5 = 3; norm 0.5 -> 0.5 * 0.8 + 0.25 = 0.65.
  expect_values(MinMaxNorm(0.8, 1.0, 0.5)(kW), {3 * 0.6, 0.0, 3 * 0.8, 0.65});
  expect_values(Constraint("max_norm")(kW), {3 * 2 / 5.0, 0.0, 4 * 2 / 5.0, 0.5});  // Keras's default max_value 2
  EXPECT_EQ(Constraint("non_neg").class_name(), "NonNeg");
  EXPECT_EQ(Constraint::from_config("MaxNorm", {{"max_value", 3.0}, {"axis", std::vector<int64_t>{0, 1, 2}}}).class_name(),
            "MaxNorm");
  expect_error<ValueError>([] { MaxNorm(1.0, {2})(kW); }, {"MaxNorm", "axis 2", "(2, 2)"});
  expect_error<ValueError>([] { Constraint("positive"); }, {"Unknown constraint", "positive"});
  expect_error<ValueError>([] { MinMaxNorm(2.0, 1.0); }, {"min_value"});
}

TEST(Constraints, AppliedAfterEveryOptimizerStep) {
  const Tensor x = testing::random_tensor({32, 6}, 7, -2.0, 2.0), y = testing::random_tensor({32, 4}, 8, -3.0, 3.0);
  layers::LayerHandle dense = layers::Dense(4, {.kernel_constraint = MaxNorm(0.5), .bias_constraint = NonNeg()});
  models::Sequential m({keras::Input({6}), dense});
  m.compile(optimizers::Adam({.learning_rate = 0.1}), "mse");
  m.fit(x, y, {.batch_size = 8, .epochs = 3, .verbose = 0});
  const auto w = dense->trainable_weights();
  const auto norms = ops::sqrt(ops::sum(ops::square(w[0].value()), {0})).to_vector<double>();
  for (double n : norms) EXPECT_LE(n, 0.5 + 1e-5);
  for (double b : w[1].value().to_vector<double>()) EXPECT_GE(b, 0.0);
}

}  // namespace
}  // namespace keras::constraints
