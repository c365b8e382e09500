// Hinge losses against keras/src/losses/losses_test.py (HingeTest, SquaredHingeTest,
// CategoricalHingeTest: y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]]).
#include "keras/losses/hinge.h"

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

const Tensor kTrue = vec({0, 1, 0, 0}, {2, 2});
const Tensor kPred = vec({0.6f, 0.4f, 0.4f, 0.6f}, {2, 2});
const Tensor kWeights = vec({1, 0}, {2});

TEST(HingeLosses, KerasTestNumbers) {
  // 0/1 labels become -1/1: row 0: max(1 + 0.6, 0), max(1 - 0.4, 0) -> mean 1.1.
  EXPECT_NEAR(val(Hinge()(kTrue, kPred)), 1.3, 1e-5);
  EXPECT_NEAR(val(Hinge({.reduction = "sum"})(kTrue, kPred)), 2.6, 1e-5);
  expect_values(Hinge({.reduction = std::nullopt})(kTrue, kPred), {1.1, 1.5}, 1e-5);
  EXPECT_NEAR(val(Hinge()(kTrue, kPred, kWeights)), 0.55, 1e-5);
  EXPECT_NEAR(val(Hinge({.reduction = "sum"})(kTrue, kPred, kWeights)), 1.1, 1e-5);
  EXPECT_EQ(val(Hinge()(kTrue, kPred, Tensor::scalar(0.0))), 0.0);

  EXPECT_NEAR(val(SquaredHinge()(kTrue, kPred)), 1.86, 1e-5);
  EXPECT_NEAR(val(SquaredHinge({.reduction = "sum"})(kTrue, kPred)), 3.72, 1e-5);
  expect_values(SquaredHinge({.reduction = std::nullopt})(kTrue, kPred), {1.46, 2.26}, 1e-5);
  EXPECT_NEAR(val(SquaredHinge()(kTrue, kPred, kWeights)), 0.73, 1e-5);

  EXPECT_NEAR(val(CategoricalHinge()(kTrue, kPred)), 1.4, 1e-5);
  EXPECT_NEAR(val(CategoricalHinge({.reduction = "sum"})(kTrue, kPred)), 2.8, 1e-5);
  expect_values(CategoricalHinge({.reduction = std::nullopt})(kTrue, kPred), {1.2, 1.6}, 1e-5);
  testing::expect_error<ValueError>([] { Hinge({.reduction = "abc"}); }, {"Invalid value for argument `reduction`"});
}

TEST(HingeLosses, LabelsAlreadySigned) {
  // -1/1 labels are used as they are; so are labels that are not all 0 or 1.
  const Tensor signed_true = vec({-1, 1, -1, -1}, {2, 2});
  EXPECT_NEAR(val(Hinge()(signed_true, kPred)), 1.3, 1e-5);
  const Tensor mixed = vec({0, 1, -1, 2}, {2, 2});
  // Row 0: max(1 - 0, 0) = 1, max(1 - 0.4, 0) = 0.6; row 1: max(1 + 0.4, 0), max(1 - 1.2, 0) = 0.
  expect_values(hinge(mixed, kPred), {0.8, 0.7}, 1e-6);
  // Categorical hinge: pos = sum(y p), neg = max((1 - y) p); a confident right answer costs 0.
  EXPECT_NEAR(val(categorical_hinge(vec({0, 1, 0}, {1, 3}), vec({0.1f, 2.0f, 0.3f}, {1, 3}))), 0.0, 1e-7);
}

TEST(HingeLosses, GradientsByFiniteDifferences) {
  const Tensor y = vec({1, 0, 0, 0, 1, 0, 0, 0, 1}, {3, 3});
  for (const auto& loss : {Loss(Hinge()), Loss(SquaredHinge()), Loss(CategoricalHinge())}) {
    SCOPED_TRACE(loss.name());
    Tensor p = (testing::distinct_tensor({3, 3}, 5) + 0.5).detach();  // off the 0 of (1 - y) p
    p.set_requires_grad(true);
    testing::check_gradients([&](const TensorList& x) { return loss(y, x[0]); }, {p});
  }
}

}  // namespace
}  // namespace keras::losses
