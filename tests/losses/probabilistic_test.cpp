// Probabilistic losses against keras/src/losses/losses.py: the numbers in Keras's own
// docstrings and losses_test.py (quoted with their source), and small references written
// here from Keras's formulas (ops.binary_crossentropy, ops.categorical_crossentropy of the
// backends' nn.py: probabilities clipped to [1e-7, 1 - 1e-7]).
#include "keras/losses/probabilistic.h"

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
double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }
/// Keras's clip to [epsilon, 1 - epsilon], in float32 as the tensors are.
double clip(double p) {
  const double hi = static_cast<double>(static_cast<float>(1.0 - 1e-7));
  return std::min(std::max(p, 1e-7), hi);
}
double bce_ref(double y, double p) { return -(y * std::log(clip(p)) + (1 - y) * std::log(1 - clip(p))); }

// Keras docstring (BinaryCrossentropy): y_true [[0, 1], [0, 0]], logits [[-18.6, 0.51], [2.94, -12.8]].
const Tensor kBinTrue = vec({0, 1, 0, 0}, {2, 2});
const Tensor kBinLogits = vec({-18.6f, 0.51f, 2.94f, -12.8f}, {2, 2});

TEST(BinaryCrossentropy, KerasDocstringNumbers) {
  EXPECT_NEAR(val(BinaryCrossentropy({.from_logits = true})(kBinTrue, kBinLogits)), 0.8654, 1e-3);
  EXPECT_NEAR(val(BinaryCrossentropy({.from_logits = true})(kBinTrue, kBinLogits, vec({0.8f, 0.2f}, {2}))), 0.243,
              1e-3);
  EXPECT_NEAR(val(BinaryCrossentropy({.from_logits = true, .reduction = "sum"})(kBinTrue, kBinLogits)), 1.730, 1e-3);
  expect_values(BinaryCrossentropy({.from_logits = true, .reduction = std::nullopt})(kBinTrue, kBinLogits),
                {0.235, 1.496}, 1e-3);
  // keras.losses.binary_crossentropy docstring: probabilities.
  expect_values(binary_crossentropy(kBinTrue, vec({0.6f, 0.4f, 0.4f, 0.6f}, {2, 2})), {0.916, 0.714}, 1e-3);
}

TEST(BinaryCrossentropy, ClippingSmoothingAndAxis) {
  // y_pred exactly 0 and 1 are clipped by epsilon: finite losses.
  const Tensor y = vec({1, 0, 1, 0}, {4, 1});
  const Tensor p = vec({0, 1, 1, 0}, {4, 1});
  expect_values(BinaryCrossentropy({.reduction = "none"})(y, p),
                {bce_ref(1, 0), bce_ref(0, 1), bce_ref(1, 1), bce_ref(0, 0)}, 1e-3);
  EXPECT_NEAR(bce_ref(1, 0), 16.118, 1e-3);
  // Label smoothing 0.2: targets 0.9 and 0.1.
  const Tensor q = vec({0.7f, 0.3f}, {2, 1});
  const Tensor t = vec({1, 0}, {2, 1});
  EXPECT_NEAR(val(BinaryCrossentropy({.label_smoothing = 0.2})(t, q)), (bce_ref(0.9, 0.7) + bce_ref(0.1, 0.3)) / 2,
              1e-6);
  // axis=0 averages over the batch axis instead.
  const Tensor y2 = vec({1, 0, 0, 1}, {2, 2}), p2 = vec({0.9f, 0.2f, 0.3f, 0.6f}, {2, 2});
  expect_values(binary_crossentropy(y2, p2, false, 0.0, 0),
                {(bce_ref(1, 0.9) + bce_ref(0, 0.3)) / 2, (bce_ref(0, 0.2) + bce_ref(1, 0.6)) / 2}, 1e-6);
  // From logits matches the probabilities' value, also with extreme logits (no overflow).
  const Tensor logits = vec({30, -30, 0.4f}, {3, 1});
  const Tensor yl = vec({0, 1, 1}, {3, 1});
  expect_values(BinaryCrossentropy({.from_logits = true, .reduction = "none"})(yl, logits),
                {30 + std::log1p(std::exp(-30)), 30 + std::log1p(std::exp(-30)), -std::log(sigmoid(0.4))}, 1e-4);
  testing::expect_error<ValueError>(
      [] {
        BinaryCrossentropy()(Tensor::ones({2, 3}), Tensor::ones({2, 2}));
      },
      {"binary_crossentropy", "(2, 3)", "(2, 2)"});
}

TEST(BinaryFocalCrossentropy, KerasDocstringNumbers) {
  const Tensor t1 = vec({0, 1, 0, 0}, {4}), l1 = vec({-18.6f, 0.51f, 2.94f, -12.8f}, {4});
  EXPECT_NEAR(val(BinaryFocalCrossentropy({.gamma = 2, .from_logits = true})(t1, l1)), 0.691, 1e-3);
  EXPECT_NEAR(val(BinaryFocalCrossentropy({.apply_class_balancing = true, .gamma = 2, .from_logits = true})(t1, l1)),
              0.51, 1e-3);
  EXPECT_NEAR(val(BinaryFocalCrossentropy({.gamma = 3, .from_logits = true})(kBinTrue, kBinLogits)), 0.647, 1e-3);
  EXPECT_NEAR(val(BinaryFocalCrossentropy({.apply_class_balancing = true, .gamma = 3, .from_logits = true})(
                  kBinTrue, kBinLogits)),
              0.482, 1e-3);
  const Tensor w = vec({0.8f, 0.2f}, {2});
  EXPECT_NEAR(val(BinaryFocalCrossentropy({.gamma = 3, .from_logits = true})(kBinTrue, kBinLogits, w)), 0.133, 1e-3);
  EXPECT_NEAR(val(BinaryFocalCrossentropy({.apply_class_balancing = true, .gamma = 3, .from_logits = true})(
                  kBinTrue, kBinLogits, w)),
              0.097, 1e-3);
  EXPECT_NEAR(val(BinaryFocalCrossentropy({.gamma = 4, .from_logits = true, .reduction = "sum"})(kBinTrue, kBinLogits)),
              1.222, 1e-3);
  EXPECT_NEAR(
      val(BinaryFocalCrossentropy({.apply_class_balancing = true, .gamma = 4, .from_logits = true, .reduction = "sum"})(
          kBinTrue, kBinLogits)),
      0.914, 1e-3);
  expect_values(
      BinaryFocalCrossentropy({.gamma = 5, .from_logits = true, .reduction = std::nullopt})(kBinTrue, kBinLogits),
      {0.0017, 1.1561}, 1e-4);
  expect_values(BinaryFocalCrossentropy(
                    {.apply_class_balancing = true, .gamma = 5, .from_logits = true, .reduction = std::nullopt})(
                    kBinTrue, kBinLogits),
                {0.0004, 0.8670}, 1e-4);
  // keras.losses.binary_focal_crossentropy docstring.
  expect_values(binary_focal_crossentropy(kBinTrue, vec({0.6f, 0.4f, 0.4f, 0.6f}, {2, 2}), false, 0.25, 2.0),
                {0.330, 0.206}, 1e-3);
}

TEST(BinaryFocalCrossentropy, FormulaWithSmoothing) {
  // losses.py binary_focal_crossentropy: smoothed y, p_t = y p + (1 - y)(1 - p),
  // (1 - p_t)^gamma * bce, times y alpha + (1 - y)(1 - alpha) when balancing.
  const double ls = 0.1, alpha = 0.3, gamma = 1.5, p = 0.8;
  const double y = 1 * (1 - ls) + 0.5 * ls;
  const double pt = y * p + (1 - y) * (1 - p);
  const double want = (y * alpha + (1 - y) * (1 - alpha)) * std::pow(1 - pt, gamma) * bce_ref(y, p);
  EXPECT_NEAR(val(BinaryFocalCrossentropy(
                  {.apply_class_balancing = true, .alpha = alpha, .gamma = gamma, .label_smoothing = ls})(
                  vec({1}, {1, 1}), vec({0.8f}, {1, 1}))),
              want, 1e-6);
}

// Keras docstring (CategoricalCrossentropy, SparseCategoricalCrossentropy).
const Tensor kCatTrue = vec({0, 1, 0, 0, 0, 1}, {2, 3});
const Tensor kCatPred = vec({0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f}, {2, 3});
const Tensor kSparseTrue = Tensor::from_vector<int64_t>({1, 2});

TEST(CategoricalCrossentropy, KerasDocstringNumbers) {
  EXPECT_NEAR(val(CategoricalCrossentropy()(kCatTrue, kCatPred)), 1.177, 1e-3);
  EXPECT_NEAR(val(CategoricalCrossentropy()(kCatTrue, kCatPred, vec({0.3f, 0.7f}, {2}))), 0.814, 1e-3);
  EXPECT_NEAR(val(CategoricalCrossentropy({.reduction = "sum"})(kCatTrue, kCatPred)), 2.354, 1e-3);
  expect_values(CategoricalCrossentropy({.reduction = "none"})(kCatTrue, kCatPred), {0.0513, 2.303}, 1e-3);
  // From logits = log_softmax; axis 0 is the transposed problem.
  const Tensor logits = vec({2, 0.5f, -1, 0, 1, 3}, {2, 3});
  const auto ls = ops::log_softmax(logits).to_vector<double>();
  EXPECT_NEAR(val(CategoricalCrossentropy({.from_logits = true})(kCatTrue, logits)), -(ls[1] + ls[5]) / 2, 1e-6);
  EXPECT_NEAR(val(CategoricalCrossentropy({.axis = 0})(ops::transpose(kCatTrue), ops::transpose(kCatPred))), 1.177,
              1e-3);
}

TEST(SparseCategoricalCrossentropy, KerasNumbersAndIgnoreClass) {
  EXPECT_NEAR(val(SparseCategoricalCrossentropy()(kSparseTrue, kCatPred)), 1.177, 1e-3);
  EXPECT_NEAR(val(SparseCategoricalCrossentropy()(kSparseTrue, kCatPred, vec({0.3f, 0.7f}, {2}))), 0.814, 1e-3);
  expect_values(SparseCategoricalCrossentropy({.reduction = "none"})(kSparseTrue, kCatPred), {0.0513, 2.303}, 1e-3);
  // The class axis first (axis=0).
  EXPECT_NEAR(val(SparseCategoricalCrossentropy({.axis = 0})(kSparseTrue, ops::transpose(kCatPred))), 1.177, 1e-3);
  // losses_test.py test_ignore_class: y_true [[-1, 2]] with ignore_class=-1.
  const Tensor logits = vec({0.854f, 0.698f, 0.598f, 0.088f, 0.86f, 0.018f}, {1, 2, 3});
  const SparseCategoricalCrossentropy ignore({.from_logits = true, .ignore_class = -1, .reduction = std::nullopt});
  expect_values(ignore(Tensor::from_vector<int64_t>({-1, 2}, {1, 2}), logits), {0.0, 1.480129}, 1e-5);
  expect_values(ignore(Tensor::from_vector<int64_t>({-1, 2}, {1, 2, 1}), logits), {0.0, 1.480129}, 1e-5);
  // Reduced, the ignored entry leaves the mean (its mask goes to the reduction).
  const SparseCategoricalCrossentropy mean({.from_logits = true, .ignore_class = -1});
  EXPECT_NEAR(val(mean(Tensor::from_vector<int64_t>({-1, 2}, {1, 2}), logits)), 1.480129, 1e-5);
  // Everything ignored: 0, not NaN.
  EXPECT_EQ(val(mean(Tensor::from_vector<int64_t>({-1, -1}, {1, 2}), logits)), 0.0);
  // A label out of range is an error, not a silent zero.
  testing::expect_error<ValueError>(
      [&] {
        SparseCategoricalCrossentropy()(Tensor::from_vector<int64_t>({1, 3}), kCatPred);
      },
      {"label value of 3", "[0, 3)"});
  testing::expect_error<ValueError>(
      [&] { SparseCategoricalCrossentropy()(Tensor::from_vector<int64_t>({1}), kCatPred); }, {"(1,)", "(2, 3)"});
}

TEST(CategoricalFocalCrossentropy, KerasDocstringNumbers) {
  EXPECT_NEAR(val(CategoricalFocalCrossentropy()(kCatTrue, kCatPred)), 0.23315276, 1e-5);
  EXPECT_NEAR(val(CategoricalFocalCrossentropy()(kCatTrue, kCatPred, vec({0.3f, 0.7f}, {2}))), 0.1632, 1e-4);
  EXPECT_NEAR(val(CategoricalFocalCrossentropy({.reduction = "sum"})(kCatTrue, kCatPred)), 0.46631, 1e-4);
  expect_values(CategoricalFocalCrossentropy({.reduction = "none"})(kCatTrue, kCatPred), {3.2058331e-05, 4.6627346e-01},
                1e-6);
  expect_values(categorical_focal_crossentropy(kCatTrue, vec({0.05f, 0.9f, 0.05f, 0.1f, 0.85f, 0.05f}, {2, 3})),
                {2.63401289e-04, 6.75912094e-01}, 1e-6);
  // Label smoothing and logits: alpha (1 - p)^gamma * -y log p summed, y smoothed.
  const Tensor logits = vec({1, 2, 0.5f}, {1, 3});
  const auto p = ops::softmax(logits).to_vector<double>();
  const double ls = 0.3;
  double want = 0;
  for (int k = 0; k < 3; ++k) {
    const double y = (k == 1 ? 1.0 : 0.0) * (1 - ls) + ls / 3;
    want += 0.5 * std::pow(1 - p[k], 1.0) * -y * std::log(p[k]);
  }
  EXPECT_NEAR(
      val(CategoricalFocalCrossentropy({.alpha = 0.5, .gamma = 1.0, .from_logits = true, .label_smoothing = ls})(
          vec({0, 1, 0}, {1, 3}), logits)),
      want, 1e-6);
}

TEST(CategoricalGeneralizedCrossEntropy, KerasTestNumbers) {
  // losses_test.py test_basic_correctness_for_binary: (1 - p^q) / q of the true class.
  const Tensor y = Tensor::from_vector<int64_t>({0, 1, 0, 1});
  const Tensor p = vec({0.7f, 0.3f, 0.2f, 0.8f, 0.6f, 0.4f, 0.4f, 0.6f}, {4, 2});
  for (double q : {0.5, 0.8}) {
    const double want = ((1 - std::pow(0.7, q)) + (1 - std::pow(0.8, q)) + 2 * (1 - std::pow(0.6, q))) / q / 4;
    EXPECT_NEAR(val(CategoricalGeneralizedCrossEntropy({.q = q})(y, p)), want, 1e-6);
  }
  // Labels (batch, 1) and float labels work too.
  EXPECT_NEAR(val(CategoricalGeneralizedCrossEntropy()(vec({0, 1, 0, 1}, {4, 1}), p)),
              val(CategoricalGeneralizedCrossEntropy()(y, p)), 1e-7);
  testing::expect_error<ValueError>([] { CategoricalGeneralizedCrossEntropy({.q = 1.0}); }, {"q", "(0, 1)"});
  testing::expect_error<ValueError>([] { CategoricalGeneralizedCrossEntropy({.q = 0.0}); }, {"q", "(0, 1)"});
  testing::expect_error<ValueError>(
      [&] {
        CategoricalGeneralizedCrossEntropy()(Tensor::from_vector<int64_t>({0, 1, 2, 1}), p);
      },
      {"label value of 2"});
}

TEST(KLDivergenceAndPoisson, HandWorked) {
  // losses.py kl_divergence: sum(t log(t / p)), both clipped to [1e-7, 1].
  const Tensor t = vec({0.2f, 0.8f, 0, 1}, {2, 2}), p = vec({0.5f, 0.5f, 0.1f, 0.9f}, {2, 2});
  const double row0 = 0.2 * std::log(0.2 / 0.5) + 0.8 * std::log(0.8 / 0.5);
  const double row1 = 1e-7 * std::log(1e-7 / 0.1) + std::log(1 / 0.9);
  expect_values(kl_divergence(t, p), {row0, row1}, 1e-6);
  EXPECT_NEAR(val(Loss("kld")(t, p)), (row0 + row1) / 2, 1e-6);
  // y_pred 0 is clipped to epsilon: finite.
  EXPECT_NEAR(val(kl_divergence(vec({1}, {1, 1}), vec({0}, {1, 1}))), std::log(1e7), 1e-3);
  // losses.py poisson: mean(p - t log(p + 1e-7)).
  const Tensor yt = vec({1, 2, 0, 3}, {2, 2}), yp = vec({0.5f, 2, 1, 4}, {2, 2});
  const double r0 = ((0.5 - std::log(0.5 + 1e-7)) + (2 - 2 * std::log(2 + 1e-7))) / 2;
  const double r1 = ((1 - 0) + (4 - 3 * std::log(4 + 1e-7))) / 2;
  expect_values(poisson(yt, yp), {r0, r1}, 1e-6);
  EXPECT_NEAR(val(Poisson({.reduction = "sum"})(yt, yp)), r0 + r1, 1e-5);
  EXPECT_NEAR(val(poisson(vec({0}, {1, 1}), vec({0}, {1, 1}))), 0.0, 1e-12);
}

TEST(ProbabilisticLosses, GradientsByFiniteDifferences) {
  const Tensor onehot = vec({1, 0, 0, 0, 0, 1, 0, 1, 0}, {3, 3});
  const Tensor labels = Tensor::from_vector<int64_t>({0, 2, 1});
  const Tensor bin = vec({1, 0, 1, 1, 0, 0}, {3, 2});
  // The y_pred each case differentiates: 0 probabilities (3, 3), 1 logits (3, 3),
  // 2 probabilities in (0.1, 0.9) (3, 2), 3 logits (3, 2).
  using F = std::function<Tensor(const Tensor&)>;
  const std::vector<std::tuple<const char*, int, F>> cases{
      {"cce", 0, [&](const Tensor& p) { return CategoricalCrossentropy({.label_smoothing = 0.1})(onehot, p); }},
      {"cce logits", 1, [&](const Tensor& p) { return CategoricalCrossentropy({.from_logits = true})(onehot, p); }},
      {"scce", 0, [&](const Tensor& p) { return SparseCategoricalCrossentropy()(labels, p); }},
      {"scce ignore", 1,
       [&](const Tensor& p) {
         return SparseCategoricalCrossentropy({.from_logits = true, .ignore_class = 1})(labels, p);
       }},
      {"bce", 2, [&](const Tensor& p) { return BinaryCrossentropy({.label_smoothing = 0.2})(bin, p); }},
      {"bce logits", 3, [&](const Tensor& p) { return BinaryCrossentropy({.from_logits = true})(bin, p); }},
      {"bfce", 2,
       [&](const Tensor& p) { return BinaryFocalCrossentropy({.apply_class_balancing = true, .gamma = 2.5})(bin, p); }},
      {"bfce logits", 3, [&](const Tensor& p) { return BinaryFocalCrossentropy({.from_logits = true})(bin, p); }},
      {"cfce", 0, [&](const Tensor& p) { return CategoricalFocalCrossentropy({.label_smoothing = 0.1})(onehot, p); }},
      {"cfce logits", 1,
       [&](const Tensor& p) { return CategoricalFocalCrossentropy({.from_logits = true})(onehot, p); }},
      {"gce", 0, [&](const Tensor& p) { return CategoricalGeneralizedCrossEntropy({.q = 0.7})(labels, p); }},
      {"kld", 0, [&](const Tensor& p) { return KLDivergence()(onehot * 0.8f + 0.05f, p); }},
      {"poisson", 2, [&](const Tensor& p) { return Poisson()(bin * 2.0f, p); }},
  };
  for (const auto& [name, which, f] : cases) {
    SCOPED_TRACE(name);
    Tensor x = which == 0   ? ops::softmax(testing::random_tensor({3, 3}, 1)).detach()
               : which == 1 ? testing::random_tensor({3, 3}, 2, -2, 2)
               : which == 2 ? testing::random_tensor({3, 2}, 3, 0.1, 0.9)
                            : testing::random_tensor({3, 2}, 4, -2, 2);
    x.set_requires_grad(true);
    const F fn = f;
    testing::check_gradients([fn](const TensorList& in) { return fn(in[0]); }, {x});
  }
}

}  // namespace
}  // namespace keras::losses
