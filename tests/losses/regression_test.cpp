// Regression losses against keras/src/losses/losses.py: Keras's docstring numbers (quoted)
// and references worked here from the formulas of losses.py.
#include "keras/losses/regression.h"

#include <cmath>

#include "test_utils.h"

namespace keras::losses {
namespace {

Tensor vec(const std::vector<float>& v, const Shape& s) { return Tensor::from_vector(v, s); }
double val(const Tensor& t) { return t.item<double>(); }
void expect_values(const Tensor& t, const std::vector<double>& want, double tol) {
  const auto got = t.to_vector<double>();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

TEST(RegressionLosses, KerasDocstringNumbers) {
  EXPECT_NEAR(val(MeanSquaredError()(vec({1, 0, 1}, {3}), vec({0.9f, 0.1f, 0.8f}, {3}))), 0.02, 1e-6);
  EXPECT_NEAR(val(MeanAbsoluteError()(vec({1, 0.3f, 1}, {3}), vec({1.9f, 0.3f, 1.8f}, {3}))), 0.5666667, 1e-6);
  EXPECT_NEAR(val(MeanAbsolutePercentageError()(vec({100, 200, 300}, {3}), vec({90, 210, 310}, {3}))), 6.111111, 1e-4);
  expect_values(cosine_similarity(vec({0, 1, 1, 1, 1, 1}, {3, 2}), vec({1, 0, 1, 1, -1, -1}, {3, 2})),
                {0.0, -0.99999994, 0.99999994}, 1e-6);
  const Tensor t = vec({0, 1, 0, 0}, {2, 2});
  EXPECT_NEAR(val(Huber()(t, vec({0.6f, 0.4f, 0.4f, 0.6f}, {2, 2}))), 0.155, 1e-3);
  EXPECT_NEAR(val(LogCosh()(t, vec({1, 1, 0, 0}, {2, 2}))), 0.108, 1e-3);
}

TEST(RegressionLosses, HandWorkedAndEdges) {
  // MAPE with y_true 0: divided by epsilon (losses.py: maximum(abs(y_true), epsilon)).
  EXPECT_NEAR(val(mean_absolute_percentage_error(vec({0}, {1}), vec({0.5f}, {1}))) / 5e8, 1.0, 1e-5);
  // MSLE: log(max(x, eps) + 1); negative predictions count as eps.
  const Tensor t = vec({1, 2, 0, 3}, {2, 2}), p = vec({1.5f, 2, 0, -1}, {2, 2});
  auto l = [](double x) { return std::log(std::max(x, 1e-7) + 1); };
  const double r0 = (std::pow(l(1.5) - l(1), 2) + 0) / 2, r1 = (0 + std::pow(l(-1) - l(3), 2)) / 2;
  expect_values(mean_squared_logarithmic_error(t, p), {r0, r1}, 1e-6);
  EXPECT_NEAR(val(Loss("msle")(t, p)), (r0 + r1) / 2, 1e-6);
  // Huber with delta 0.5: errors 0.2 (quadratic) and 2 (linear).
  const double want = (0.5 * 0.04 + (0.5 * 2 - 0.5 * 0.25)) / 2;
  EXPECT_NEAR(val(Huber({.delta = 0.5})(vec({0, 0}, {1, 2}), vec({0.2f, -2}, {1, 2}))), want, 1e-6);
  // LogCosh stays finite for large errors: log(cosh(100)) = 100 - log(2).
  EXPECT_NEAR(val(log_cosh(vec({0}, {1, 1}), vec({100}, {1, 1}))), 100 - std::log(2.0), 1e-4);
  // Cosine similarity: a zero vector gives 0; axis 0 compares columns.
  EXPECT_EQ(val(cosine_similarity(vec({0, 0}, {1, 2}), vec({1, 2}, {1, 2}))), 0.0);
  const Tensor a = vec({1, 0, 0, 1}, {2, 2}), b = vec({1, 1, 0, 1}, {2, 2});
  expect_values(CosineSimilarity({.axis = 0, .reduction = "none"})(a, b), {-1.0, -1 / std::sqrt(2.0)}, 1e-6);
  testing::expect_error<ValueError>(
      [] {
        mean_squared_error(Tensor::ones({2, 3}), Tensor::ones({3, 2}));
      },
      {"mean_squared_error", "(2, 3)", "(3, 2)"});
  testing::expect_error<ValueError>([&] { cosine_similarity(a, b, 2); }, {"cosine_similarity", "axis 2"});
}

TEST(RegressionLosses, GradientsByFiniteDifferences) {
  const Tensor target = testing::random_tensor({3, 4}, 11, 0.1, 2.0);
  const std::vector<std::pair<const char*, Loss>> cases{{"mse", MeanSquaredError()},
                                                        {"mae", MeanAbsoluteError()},
                                                        {"mape", MeanAbsolutePercentageError()},
                                                        {"msle", MeanSquaredLogarithmicError()},
                                                        {"logcosh", LogCosh()},
                                                        {"huber", Huber({.delta = 0.7})},
                                                        {"cosine", CosineSimilarity()},
                                                        {"cosine axis 0", CosineSimilarity({.axis = 0})}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.first);
    Tensor p = testing::random_tensor({3, 4}, 12, 0.1, 2.0);
    p.set_requires_grad(true);
    const Loss loss = c.second;
    testing::check_gradients([&](const TensorList& x) { return loss(target, x[0]); }, {p});
  }
}

}  // namespace
}  // namespace keras::losses
