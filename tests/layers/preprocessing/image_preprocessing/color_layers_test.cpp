// The colour augmentation layers (RandomGrayscale, RandomInvert, Solarization,
// RandomPosterization, RandomSaturation, RandomHue, RandomColorDegeneration,
// RandomSharpness, AutoContrast, RandomColorJitter): each transformation at the ends of
// its factor's range, where the result is known, probabilities over large batches,
// seeds, identity at inference, inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/auto_contrast.h"
#include "keras/layers/preprocessing/image_preprocessing/random_color_degeneration.h"
#include "keras/layers/preprocessing/image_preprocessing/random_color_jitter.h"
#include "keras/layers/preprocessing/image_preprocessing/random_grayscale.h"
#include "keras/layers/preprocessing/image_preprocessing/random_hue.h"
#include "keras/layers/preprocessing/image_preprocessing/random_invert.h"
#include "keras/layers/preprocessing/image_preprocessing/random_posterization.h"
#include "keras/layers/preprocessing/image_preprocessing/random_saturation.h"
#include "keras/layers/preprocessing/image_preprocessing/random_sharpness.h"
#include "keras/layers/preprocessing/image_preprocessing/solarization.h"
#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_allclose;
using testing::max_abs_diff;

Tensor rgb(int64_t batch, uint64_t seed = 1) { return testing::random_tensor({batch, 4, 5, 3}, seed, 0.0, 255.0); }

Tensor gray_of(const Tensor& x) {
  const TensorList c = ops::split(x, {1, 1, 1}, -1);
  const Tensor g =
      ops::add(ops::add(ops::multiply(c[0], Tensor::scalar(0.2989)), ops::multiply(c[1], Tensor::scalar(0.587))),
               ops::multiply(c[2], Tensor::scalar(0.114)));
  return ops::broadcast_to(g, x.shape());
}

/// How many images of y equal `changed`'s; fails on images equal to neither x's nor changed's.
int count_changed(const Tensor& x, const Tensor& y, const Tensor& changed, float atol = 1e-3f) {
  int n = 0;
  for (int64_t i = 0; i < x.dim(0); ++i) {
    const Tensor yi = ops::slice_rows(y, i, i + 1);
    const bool is_changed = max_abs_diff(yi, ops::slice_rows(changed, i, i + 1)) <= atol;
    EXPECT_TRUE(is_changed || max_abs_diff(yi, ops::slice_rows(x, i, i + 1)) == 0) << "image " << i;
    n += is_changed;
  }
  return n;
}

TEST(RandomGrayscale, GraysAFactorOfTheImages) {
  const Tensor x = rgb(200);
  EXPECT_EQ(count_changed(x, RandomGrayscale(1.0)(x, true), gray_of(x)), 200);
  EXPECT_EQ(max_abs_diff(RandomGrayscale(0.0)(x, true), x), 0);
  const int n = count_changed(x, RandomGrayscale(0.5, {.seed = 1})(x, true), gray_of(x));
  EXPECT_GT(n, 70);
  EXPECT_LT(n, 130);
  // Keras leaves the seed out of RandomGrayscale's config, so only the layer itself repeats.
  const Tensor x8 = rgb(8);
  expect_allclose(RandomGrayscale(0.5, {.seed = 1})(x8, false), x8, 0, 0, "inference");
  expect_allclose(RandomGrayscale(0.5, {.seed = 3})(x8, true), RandomGrayscale(0.5, {.seed = 3})(x8, true), 0, 0,
                  "seed");
  EXPECT_EQ(
      saving::get_config(RandomGrayscale(0.3, {.name = "g"})).dump(),
      R"({"name":"g","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","factor":0.3})");
  testing::expect_error<ValueError>([] { RandomGrayscale(1.5); }, {"`factor`", "1.5", "RandomGrayscale"});
}

TEST(RandomInvert, InvertsWithTheDrawnProbability) {
  const Tensor x = rgb(200);
  const Tensor inverted = ops::subtract(Tensor::scalar(255.0), x);
  EXPECT_EQ(count_changed(x, RandomInvert({1.0, 1.0})(x, true), inverted), 200);
  const int n = count_changed(x, RandomInvert(1.0, {.seed = 2})(x, true), inverted);  // p uniform in [0, 1): 1/2
  EXPECT_GT(n, 70);
  EXPECT_LT(n, 130);
  const TensorList seen = testing::seen_in_fit(RandomInvert({1.0, 1.0}), rgb(2));
  ASSERT_EQ(seen.size(), 1u);
  expect_allclose(seen[0], ops::subtract(Tensor::scalar(255.0), rgb(2)), 1e-4, 1e-6, "in fit");
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomInvert(1.0, {.seed = s})); }, rgb(8));
  EXPECT_EQ(
      saving::get_config(RandomInvert(0.5, {.name = "i"})).dump(),
      R"({"name":"i","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","factor":[0.0,0.5],"value_range":[0.0,255.0],"seed":null})");
  testing::expect_error<ValueError>([] { RandomInvert(2.0); }, {"`factor`", "RandomInvert"});
}

TEST(Solarization, InvertsAboveTheThreshold) {
  const Tensor x = rgb(3);
  // Thresholds in [0, 0]: every pixel inverted; no addition.
  expect_allclose(Solarization({.threshold_factor = FloatOrList{0.0, 0.0}})(x, true),
                  ops::subtract(Tensor::scalar(255.0), x), 1e-4, 1e-6);
  // A threshold in [1, 255] and value range (0, 1): each pixel either kept or inverted, split by one threshold per image.
  const Tensor unit = ops::divide(x, Tensor::scalar(255.0));
  const Tensor y = Solarization({.threshold_factor = 1.0, .value_range = {0.0, 1.0}, .seed = 3})(unit, true);
  const std::vector<float> xv = unit.to_vector<float>(), yv = y.to_vector<float>();
  const size_t per_image = xv.size() / 3;
  for (size_t b = 0; b < 3; ++b) {
    float kept_max = -1, inverted_min = 2;
    for (size_t i = b * per_image; i < (b + 1) * per_image; ++i) {
      const bool kept = std::abs(yv[i] - xv[i]) < 1e-5, inverted = std::abs(yv[i] - (1 - xv[i])) < 1e-5;
      ASSERT_TRUE(kept || inverted);
      if (kept && !inverted) kept_max = std::max(kept_max, xv[i]);
      if (inverted && !kept) inverted_min = std::min(inverted_min, xv[i]);
    }
    EXPECT_LT(kept_max, inverted_min);
  }
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) {
        return LayerHandle(Solarization({.addition_factor = 0.2, .threshold_factor = 0.5, .seed = s}));
      },
      rgb(8));
  EXPECT_EQ(
      saving::get_config(Solarization({.addition_factor = 0.2, .threshold_factor = {0.5, 0.1}, .name = "s"})).dump(),
      R"({"name":"s","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","value_range":[0.0,255.0],"addition_factor":[0.0,0.2],"threshold_factor":[0.1,0.5],"seed":null})");
  testing::expect_error<ValueError>([] { Solarization({.addition_factor = 1.5}); },
                                    {"`addition_factor`", "Solarization"});
  testing::expect_error<ValueError>([] { Solarization({.value_range = 1.0}); }, {"`value_range`"});
}

TEST(RandomPosterization, KeepsTheTopBits) {
  const Tensor x = rgb(2);
  std::vector<float> want;
  for (float v : x.to_vector<float>()) want.push_back(std::floor(v / 16.0f) * 16.0f);
  EXPECT_EQ(RandomPosterization({4.0, 4.0})(x, true).to_vector<float>(), want);
  // factor 3: 1 or 2 bits, so every value is a multiple of 64.
  for (float v : RandomPosterization(3.0, {.seed = 1})(x, true).to_vector<float>())
    EXPECT_EQ(std::fmod(v, 64.0f), 0.0f);
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomPosterization(6, {.seed = s})); }, rgb(8));
  EXPECT_EQ(
      saving::get_config(RandomPosterization(4, {.name = "p"})).dump(),
      R"({"name":"p","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","factor":[1.0,4.0],"value_range":[0.0,255.0],"seed":null})");
  testing::expect_error<ValueError>([] { RandomPosterization(9); }, {"`factor`", "[1, 8]", "RandomPosterization"});
}

TEST(RandomSaturation, FromGrayToUnchanged) {
  const Tensor x = rgb(2);
  const Tensor gray = RandomSaturation({0.0, 0.0})(x, true);  // saturation times 0: value in every channel
  expect_allclose(gray, ops::broadcast_to(ops::max(x, {3}, true), x.shape()), 1e-3, 1e-5, "gray");
  expect_allclose(RandomSaturation({0.5, 0.5})(x, true), x, 1e-2, 1e-4, "unchanged");
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomSaturation(0.5, {.seed = s})); }, rgb(8));
  EXPECT_EQ(
      saving::get_config(RandomSaturation(0.3, {.name = "s"})).dump(),
      R"({"name":"s","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","factor":[-0.3,0.3],"value_range":[0.0,255.0],"seed":null})");
}

TEST(RandomHue, TurnsTheColourCircle) {
  const Tensor x = rgb(2);
  expect_allclose(RandomHue({0.0, 0.0})(x, true), x, 1e-2, 1e-4, "unchanged");
  // Half a turn (either way): red becomes cyan.
  const Tensor red = Tensor::from_vector<float>({255, 0, 0, 255, 0, 0}, {2, 1, 1, 3});
  expect_allclose(RandomHue({1.0, 1.0}, {.seed = 1})(red, true),
                  Tensor::from_vector<float>({0, 255, 255, 0, 255, 255}, {2, 1, 1, 3}), 1e-3, 1e-5, "red to cyan");
  testing::check_augmentation_basics([](std::optional<uint64_t> s) { return LayerHandle(RandomHue(0.3, {.seed = s})); },
                                     rgb(8));
  EXPECT_EQ(
      saving::get_config(RandomHue(0.2, {.name = "h"})).dump(),
      R"({"name":"h","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","factor":[0.0,0.2],"value_range":[0.0,255.0],"seed":null})");
}

TEST(RandomColorDegeneration, BlendsTowardsGray) {
  const Tensor x = rgb(2);
  expect_allclose(RandomColorDegeneration({1.0, 1.0})(x, true), gray_of(x), 1e-3, 1e-5, "gray");
  expect_allclose(RandomColorDegeneration({0.0, 0.0})(x, true), x, 0, 0, "unchanged");
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomColorDegeneration(0.5, {.seed = s})); }, rgb(8));
}

TEST(RandomSharpness, BlursAndSharpens) {
  const Tensor x = rgb(2);
  expect_allclose(RandomSharpness({0.5, 0.5})(x, true), x, 1e-3, 1e-5, "unchanged");
  const Tensor blurred = RandomSharpness({0.0, 0.0})(x, true);  // the 3x3 smoothing itself
  float want = 0;
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 3; ++j)
      want += x.at<float>({1, 1 + i, 1 + j, 2}) * ((i == 1 && j == 1) ? 5.0f : 1.0f) / 13.0f;
  EXPECT_NEAR(blurred.at<float>({1, 2, 2, 2}), want, 1e-3);
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomSharpness(0.5, {.seed = s})); }, rgb(8));
  testing::expect_error<ValueError>([] { RandomSharpness(-0.5); }, {"`factor`", "RandomSharpness"});
}

TEST(AutoContrast, StretchesEachChannelAlsoAtInference) {
  std::vector<float> v(2 * 2 * 3 * 3);
  for (size_t i = 0; i < v.size(); ++i) v[i] = i % 3 == 2 ? 7.0f : static_cast<float>(50 + (i * 7) % 40);
  const Tensor x = Tensor::from_vector(v, {2, 2, 3, 3});
  for (const bool training : {false, true}) {
    const Tensor y = AutoContrast()(x, training);
    expect_allclose(ops::min(y, {1, 2}), Tensor::from_vector<float>({0, 0, 7, 0, 0, 7}, {2, 3}), 1e-3, 0);
    expect_allclose(ops::max(y, {1, 2}), Tensor::from_vector<float>({255, 255, 7, 255, 255, 7}, {2, 3}), 1e-3, 0);
  }
  EXPECT_EQ(
      saving::get_config(AutoContrast({.value_range = {1.0, 0.0}, .name = "a"})).dump(),
      R"({"name":"a","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","value_range":[0.0,1.0]})");
  testing::run_layer_test([] { return LayerHandle(AutoContrast()); }, {2, 3, 3, 2}, {2, 3, 3, 2}, false, 1, true);
}

TEST(RandomColorJitter, AppliesTheGivenSteps) {
  const Tensor x = testing::random_tensor({2, 3, 3, 3}, 1, 20.0, 200.0);
  expect_allclose(RandomColorJitter({.brightness_factor = FloatOrList{0.1, 0.1}})(x, true),
                  ops::add(x, Tensor::scalar(25.5)), 1e-4, 1e-6);
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) {
        return LayerHandle(RandomColorJitter({.brightness_factor = 0.2,
                                              .contrast_factor = 0.2,
                                              .saturation_factor = 0.3,
                                              .hue_factor = 0.1,
                                              .seed = s}));
      },
      rgb(4));
  EXPECT_EQ(
      saving::get_config(RandomColorJitter({.brightness_factor = 0.2, .name = "j"})).dump(),
      R"({"name":"j","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","value_range":[0.0,255.0],"brightness_factor":0.2,"contrast_factor":null,"saturation_factor":null,"hue_factor":null,"seed":null})");
  testing::expect_error<ValueError>([] { RandomColorJitter({.hue_factor = 3.0}); }, {"`factor`"});
}

}  // namespace
}  // namespace keras::layers
