// Dice, Tversky, Circle and CTC against keras/src/losses/losses_test.py (DiceTest,
// TverskyTest, CircleTest, CTCTest: numbers quoted from there) and, for CTC, a brute-force
// reference written here: the probability of every alignment that collapses to the labels.
#include "keras/losses/segmentation.h"

#include <cmath>
#include <functional>

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

const Tensor kSmallTrue = vec({1, 2, 1, 2}, {2, 2});
const Tensor kSmallPred = vec({4, 1, 6, 1}, {2, 2});
const Tensor kSegTrue = vec({1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1}, {4, 4});
const Tensor kSegPred = vec({0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1}, {4, 4});
const Tensor kImgTrue = vec({1, 1, 0, 0, 1, 1, 0, 0}, {2, 2, 2, 1});
const Tensor kImgPred = vec({0, 1, 0, 1, 0.4f, 0, 0, 0.9f}, {2, 2, 2, 1});

TEST(Dice, KerasTestNumbers) {
  // axis None sums over everything: 1 - 2 * 14 / (6 + 12) for the small case.
  EXPECT_NEAR(val(Dice()(kSmallTrue, kSmallPred)), -0.55555546, 1e-6);
  EXPECT_NEAR(val(Dice()(kSegTrue, kSegPred)), 0.77777773, 1e-6);
  expect_values(Dice({.reduction = std::nullopt, .axis = std::vector<int64_t>{1, 2, 3}})(kImgTrue, kImgPred),
                {0.5, 0.75757575}, 1e-6);
  EXPECT_NEAR(val(Dice()(kImgTrue, kImgPred)), 0.6164384, 1e-6);  // docstring
  // One axis: per-row values, then the mean.
  const Tensor rows = dice(kSmallTrue, kSmallPred, std::vector<int64_t>{1});
  expect_values(rows, {1 - 2.0 * 6 / (3 + 5 + 1e-7), 1 - 2.0 * 8 / (3 + 7 + 1e-7)}, 1e-6);
  // All zeros: 1 - 0 / epsilon = 1, not NaN.
  EXPECT_NEAR(val(Dice()(Tensor::zeros({2, 2}), Tensor::zeros({2, 2}))), 1.0, 1e-7);
}

TEST(Tversky, KerasTestNumbers) {
  EXPECT_NEAR(val(Tversky()(kSmallTrue, kSmallPred)), -0.55555558, 1e-6);
  EXPECT_NEAR(val(Tversky({.alpha = 0.2, .beta = 0.8})(kSmallTrue, kSmallPred)), -0.94444442, 1e-6);
  EXPECT_NEAR(val(Tversky()(kSegTrue, kSegPred)), 0.77777779, 1e-6);
  EXPECT_NEAR(val(Tversky({.alpha = 0.2, .beta = 0.8})(kSegTrue, kSegPred)), 0.76190472, 1e-6);
  const std::vector<int64_t> axes{1, 2, 3};
  expect_values(Tversky({.reduction = std::nullopt, .axis = axes})(kImgTrue, kImgPred), {0.5, 0.75757575}, 1e-6);
  expect_values(Tversky({.alpha = 0.2, .beta = 0.8, .reduction = std::nullopt, .axis = axes})(kImgTrue, kImgPred),
                {0.5, 0.78494626}, 1e-6);
}

// losses_test.py CircleTest.
const Tensor kCircleLabels = Tensor::from_vector<int64_t>({1, 1, 2, 2, 3});
const Tensor kCircleEmb =
    vec({0.70014004f, -0.42008403f, 0.14002801f, 0.56011203f,  0.17609018f, 0.70436073f, -0.52827054f,
         0.44022545f, -0.34050261f, 0.25537696f, -0.68100522f, 0.59587957f, 0.32163376f, -0.75047877f,
         0.53605627f, -0.21442251f, 0.51261459f, -0.34174306f, 0.17087153f, 0.76892189f},
        {5, 4});
const Tensor kRefLabels = Tensor::from_vector<int64_t>({1, 1, 2, 2, 3, 4});
const Tensor kRefEmb =
    vec({0.40824829f,  -0.54433105f, 0.27216553f, 0.68041382f, 0.76376261f,  0.10910895f,  -0.54554473f, 0.32732684f,
         -0.74420841f, 0.24806947f,  0.49613894f, -0.3721042f, 0.52981294f,  -0.13245324f, 0.79471941f,  -0.26490647f,
         0.54554473f,  -0.32732684f, 0.10910895f, 0.76376261f, -0.27216553f, 0.68041382f,  0.40824829f,  -0.54433105f},
        {6, 4});

TEST(Circle, KerasTestNumbers) {
  EXPECT_NEAR(val(Circle({.gamma = 80.0, .margin = 0.4})(kCircleLabels, kCircleEmb)), 188.3883, 1e-2);
  EXPECT_NEAR(val(Circle({.gamma = 256, .margin = 0.25})(kCircleLabels, kCircleEmb)), 652.7617, 2e-2);
  expect_values(circle(kCircleLabels, kCircleEmb, kRefLabels, kRefEmb, false, 80.0, 0.4),
                {61.5844, 94.3465, 276.9344, 90.9873, 48.8963}, 1e-2);
  const Tensor w = vec({2, 2, 1, 1, 0.5f}, {5});
  EXPECT_NEAR(val(Circle()(kCircleLabels, kCircleEmb, w)), 244.91918, 1e-2);
  EXPECT_NEAR(val(Circle({.reduction = "mean_with_sample_weight"})(kCircleLabels, kCircleEmb, w)), 163.27948, 1e-2);
  // Samples with no positive pair cost 0 and are masked out of the mean.
  expect_values(Circle({.reduction = std::nullopt})(kRefLabels, kRefEmb), {82.9116, 36.7942, 92.4590, 52.6798, 0, 0},
                1e-2);
  EXPECT_NEAR(val(Circle({.reduction = "sum"})(kRefLabels, kRefEmb)), 264.845, 1e-2);
  testing::expect_error<ValueError>(
      [] {
        Circle()(Tensor::from_vector<int64_t>({1, 2}), Tensor::ones({3, 2}));
      },
      {"circle", "(2,)", "(3, 2)"});
}

/// -log of the summed probability of every path over `steps` frames that collapses
/// (merge repeats, drop blanks 0) to the label row (0-padded).
double ctc_brute_force(const std::vector<std::vector<double>>& logits, std::vector<int64_t> label) {
  while (!label.empty() && label.back() == 0) label.pop_back();
  const size_t steps = logits.size(), classes = logits[0].size();
  std::vector<std::vector<double>> prob(steps);
  for (size_t t = 0; t < steps; ++t) {
    double z = 0;
    for (double v : logits[t]) z += std::exp(v);
    for (double v : logits[t]) prob[t].push_back(std::exp(v) / z);
  }
  double total = 0;
  std::vector<size_t> path(steps, 0);
  std::function<void(size_t, double)> walk = [&](size_t t, double p) {
    if (t == steps) {
      std::vector<int64_t> out;
      for (size_t i = 0; i < steps; ++i)
        if (path[i] != 0 && (i == 0 || path[i] != path[i - 1])) out.push_back(static_cast<int64_t>(path[i]));
      if (out == label) total += p;
      return;
    }
    for (size_t k = 0; k < classes; ++k) {
      path[t] = k;
      walk(t + 1, p * prob[t][k]);
    }
  };
  walk(0, 1.0);
  return -std::log(total);
}

TEST(CTC, KerasTestNumberAndBruteForce) {
  // losses_test.py CTCTest: logits (arange(24).reshape(2, 4, 3) - 12) / 100.
  std::vector<float> lv(24);
  for (int i = 0; i < 24; ++i) lv[static_cast<size_t>(i)] = static_cast<float>(i - 12) / 100.f;
  const Tensor logits = vec(lv, {2, 4, 3});
  const Tensor labels = Tensor::from_vector<int64_t>({1, 2, 1, 0, 1, 2, 0, 2}, {2, 4});
  EXPECT_NEAR(val(CTC()(labels, logits)), 2.448645, 1e-4);
  // The first sample against the enumeration of all 3^4 paths that collapse to "121" (the
  // repeat needs a blank between). (The second, [1, 2, 0, 2], has 3 labels by Keras's
  // count of non-zeros, so Keras reads it as [1, 2, 0]: a blank inside, which no path gives.)
  const auto per = CTC({.reduction = "none"})(labels, logits).to_vector<double>();
  const auto v = logits.to_vector<double>();
  std::vector<std::vector<double>> l(4);
  for (int t = 0; t < 4; ++t)
    for (int k = 0; k < 3; ++k) l[static_cast<size_t>(t)].push_back(v[static_cast<size_t>(t * 3 + k)]);
  EXPECT_NEAR(per[0], ctc_brute_force(l, {1, 2, 1, 0}), 1e-4);
  // Random logits, 5 frames, 4 classes, labels with a repeat.
  const Tensor r = testing::random_tensor({1, 5, 4}, 9, -2, 2);
  const auto rv = r.to_vector<double>();
  std::vector<std::vector<double>> rl(5);
  for (int t = 0; t < 5; ++t)
    for (int k = 0; k < 4; ++k) rl[static_cast<size_t>(t)].push_back(rv[static_cast<size_t>(t * 4 + k)]);
  EXPECT_NEAR(val(ctc(Tensor::from_vector<int64_t>({3, 3, 1}, {1, 3}), r)), ctc_brute_force(rl, {3, 3, 1}), 1e-4);
  // Labels that cannot fit (a repeat needs 3 frames for "11", given 1) cost about 1e5 (log epsilon).
  EXPECT_GT(val(ctc(Tensor::from_vector<int64_t>({1, 1}, {1, 2}), testing::random_tensor({1, 1, 3}, 3))), 1e4);
  testing::expect_error<ValueError>(
      [&] {
        CTC()(Tensor::from_vector<int64_t>({1, 2}), logits);
      },
      {"y_true.shape=(2,)"});
  testing::expect_error<ValueError>([&] { CTC()(labels, Tensor::ones({2, 4})); }, {"y_pred.shape=(2, 4)"});
  testing::expect_error<ValueError>(
      [&] {
        CTC()(Tensor::from_vector<int64_t>({1, 5, 0, 0, 1, 1, 0, 0}, {2, 4}), logits);
      },
      {"label value of 5"});
}

TEST(SegmentationLosses, GradientsByFiniteDifferences) {
  const Tensor mask = vec({1, 0, 1, 1, 0, 0, 1, 0}, {2, 4});
  const Tensor labels = Tensor::from_vector<int64_t>({0, 1, 0, 1, 2, 2});
  const Tensor ctc_labels = Tensor::from_vector<int64_t>({1, 2, 2, 3, 0, 0}, {2, 3});
  using F = std::function<Tensor(const Tensor&)>;
  const std::vector<std::tuple<const char*, Shape, F>> cases{
      {"dice", {2, 4}, [&](const Tensor& p) { return Dice()(mask, p); }},
      {"dice axis", {2, 4}, [&](const Tensor& p) { return Dice({.axis = std::vector<int64_t>{1}})(mask, p); }},
      {"tversky", {2, 4}, [&](const Tensor& p) { return Tversky({.alpha = 0.3, .beta = 0.7})(mask, p); }},
      {"circle", {6, 3}, [&](const Tensor& p) { return Circle({.gamma = 4.0})(labels, ops::normalize(p)); }},
      {"ctc", {2, 6, 4}, [&](const Tensor& p) { return CTC()(ctc_labels, p); }},
  };
  for (const auto& [name, shape, f] : cases) {
    SCOPED_TRACE(name);
    Tensor p = testing::random_tensor(shape, 21, 0.05, 1.0);
    p.set_requires_grad(true);
    const F fn = f;
    testing::check_gradients([fn](const TensorList& x) { return fn(x[0]); }, {p});
  }
}

}  // namespace
}  // namespace keras::losses
