// RandomContrast and RandomBrightness: the standard deviation and the mean move as the
// factor says, the per-channel mean stays under contrast, clipping to value_range;
// seeds, inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/random_contrast.h"

#include "keras/layers/preprocessing/image_preprocessing/random_brightness.h"
#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

/// The spread about each image's channel means.
float stddev(const Tensor& x) {
  return std::sqrt(ops::mean(ops::square(ops::subtract(x, ops::mean(x, {1, 2}, true)))).item<float>());
}

TEST(RandomContrast, ScalesTheSpreadAboutTheMean) {
  const Tensor x = testing::random_tensor({1, 16, 16, 3}, 1, 100.0, 150.0);
  // factor (0, 0.5) draws f in [1, 1.5]: the spread grows by f, the channel means stay.
  RandomContrast layer(0.5, {.seed = 2});
  for (int k = 0; k < 10; ++k) {
    const Tensor y = layer(x, true);
    const float ratio = stddev(y) / stddev(x);
    EXPECT_GE(ratio, 1.0f - 1e-4);
    EXPECT_LE(ratio, 1.5f + 1e-4);
    testing::expect_allclose(ops::mean(y, {1, 2}), ops::mean(x, {1, 2}), 1e-2, 1e-5, "channel means");
  }
  // A pair (low, high) draws f in [1 - low, 1 + high]: here [0.5, 1.5], and exactly 1.5
  // for (-0.5, 0.5) (Keras's arithmetic, which sorts the pair).
  RandomContrast both({0.5, 0.5}, {.seed = 1});
  float lowest = 2;
  for (int k = 0; k < 20; ++k) {
    const float ratio = stddev(both(x, true)) / stddev(x);
    EXPECT_GE(ratio, 0.5f - 1e-4);
    EXPECT_LE(ratio, 1.5f + 1e-4);
    lowest = std::min(lowest, ratio);
  }
  EXPECT_LT(lowest, 0.9f);
  EXPECT_NEAR(stddev(RandomContrast({-0.5, 0.5})(x, true)) / stddev(x), 1.5f, 1e-4);
  // Clipped to value_range.
  const Tensor clipped = RandomContrast({-1.0, 1.0}, {.value_range = {110.0, 140.0}})(x, true);
  EXPECT_GE(ops::min(clipped).item<float>(), 110.0f);
  EXPECT_LE(ops::max(clipped).item<float>(), 140.0f);
}

TEST(RandomContrast, BasicsFitConfigAndErrors) {
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomContrast(0.4, {.seed = s})); },
      testing::random_tensor({4, 5, 5, 3}, 1, 0.0, 255.0));
  const Tensor x = testing::random_tensor({2, 5, 5, 3}, 3, 50.0, 200.0);
  const TensorList seen = testing::seen_in_fit(RandomContrast({-0.5, 0.5}), x);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_NEAR(stddev(ops::slice_rows(seen[0], 0, 1)) / stddev(ops::slice_rows(x, 0, 1)), 1.5f, 1e-3);
  testing::run_layer_test([] { return LayerHandle(RandomContrast(0.3)); }, {2, 4, 4, 3}, {2, 4, 4, 3});
  EXPECT_EQ(
      saving::get_config(RandomContrast(0.3, {.name = "c"})).dump(),
      R"({"name":"c","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","factor":[0.0,0.3],"value_range":[0.0,255.0],"seed":null})");
  testing::expect_error<ValueError>([] { RandomContrast(1.5); }, {"`factor`", "[0, 1]", "RandomContrast"});
  testing::expect_error<ValueError>([] { RandomContrast(0.1, {.value_range = {1.0}}); }, {"`value_range`"});
  testing::expect_error<ValueError>([] { RandomContrast(0.1, {.value_range = {5.0, 1.0}}); }, {"`value_range`"});
}

TEST(RandomBrightness, ShiftsTheMeanByTheFactorOfTheRange) {
  const Tensor x = testing::random_tensor({64, 4, 4, 3}, 1, 100.0, 150.0);
  const Tensor y = RandomBrightness(0.1, {.seed = 3})(x, true);
  float lo = 1e9, hi = -1e9;
  for (int64_t b = 0; b < 64; ++b) {
    const Tensor d = ops::subtract(ops::slice_rows(y, b, b + 1), ops::slice_rows(x, b, b + 1));
    const float delta = d.to_vector<float>()[0];
    EXPECT_LT(ops::max(ops::abs(ops::subtract(d, Tensor::scalar(delta)))).item<float>(), 1e-4);  // one shift per image
    lo = std::min(lo, delta), hi = std::max(hi, delta);
  }
  EXPECT_GE(lo, -25.5f - 1e-3);
  EXPECT_LE(hi, 25.5f + 1e-3);
  EXPECT_LT(lo, -15.0f);
  EXPECT_GT(hi, 15.0f);
  // value_range (0, 1): deltas of the unit range, clipped.
  const Tensor unit = RandomBrightness({0.5, 0.5}, {.value_range = {1.0, 0.0}})(
      testing::random_tensor({2, 3, 3, 1}, 2, 0.0, 1.0), true);
  EXPECT_LE(ops::max(unit).item<float>(), 1.0f);
  EXPECT_GE(ops::min(unit).item<float>(), 0.5f);
}

TEST(RandomBrightness, BasicsFitConfigAndErrors) {
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomBrightness(0.2, {.seed = s})); },
      testing::random_tensor({4, 5, 5, 3}, 1, 50.0, 200.0));
  const Tensor x = testing::random_tensor({2, 5, 5, 3}, 3, 50.0, 200.0);
  const TensorList seen = testing::seen_in_fit(RandomBrightness({0.1, 0.1}), x);
  ASSERT_EQ(seen.size(), 1u);
  testing::expect_allclose(seen[0], ops::add(x, Tensor::scalar(25.5)), 1e-4, 1e-5, "in fit");
  testing::run_layer_test([] { return LayerHandle(RandomBrightness(0.3)); }, {2, 4, 4, 3}, {2, 4, 4, 3});
  EXPECT_EQ(
      saving::get_config(RandomBrightness(0.2, {.value_range = {1.0, 0.0}, .name = "b"})).dump(),
      R"({"name":"b","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","factor":[-0.2,0.2],"value_range":[0.0,1.0],"seed":null})");
  testing::expect_error<ValueError>([] { RandomBrightness(-1.5); }, {"`factor`", "RandomBrightness"});
  testing::expect_error<ValueError>([] { RandomBrightness(0.1, {.value_range = 255.0}); }, {"`value_range`"});
}

}  // namespace
}  // namespace keras::layers
