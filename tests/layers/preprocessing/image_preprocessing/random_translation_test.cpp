// RandomTranslation: whole-pixel shifts of a known pattern under every fill mode, shift
// ranges per image; seeds, inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/random_translation.h"

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

/// One row 0..7 (as (1, 1, 8, 1)) shifted right by 2 under each fill mode.
std::vector<float> shifted_row(const std::string& fill_mode) {
  const Tensor row = Tensor::from_vector<float>({0, 1, 2, 3, 4, 5, 6, 7}, {1, 1, 8, 1});
  return RandomTranslation(0.0, {0.25, 0.25}, {.fill_mode = fill_mode, .fill_value = 9.0})(row, true)
      .to_vector<float>();
}

TEST(RandomTranslation, ShiftsByWholePixelsUnderEachFillMode) {
  EXPECT_EQ(shifted_row("constant"), (std::vector<float>{9, 9, 0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(shifted_row("reflect"), (std::vector<float>{1, 0, 0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(shifted_row("wrap"), (std::vector<float>{6, 7, 0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(shifted_row("nearest"), (std::vector<float>{0, 0, 0, 1, 2, 3, 4, 5}));
  // Up by a quarter of 8 rows, nearest interpolation: row i reads row i + 2.
  const Tensor x = testing::pattern_images({2, 8, 3, 2});
  const Tensor y = RandomTranslation({-0.25, -0.25}, 0.0, {.interpolation = "nearest"})(x, true);
  testing::expect_allclose(ops::slice(y, {0, 0, 0, 0}, {2, 6, 3, 2}), ops::slice(x, {0, 2, 0, 0}, {2, 6, 3, 2}), 0, 0);
}

TEST(RandomTranslation, HalfPixelShiftsAverage) {
  const Tensor row = Tensor::from_vector<float>({0, 2, 4, 6}, {1, 1, 4, 1});
  // Right by 1/8 of 4 = 0.5 pixel: each pixel is the mean of itself and its left neighbour.
  EXPECT_EQ(RandomTranslation(0.0, {0.125, 0.125}, {.fill_mode = "nearest"})(row, true).to_vector<float>(),
            (std::vector<float>{0, 1, 3, 5}));
}

TEST(RandomTranslation, ShiftsVaryPerImageWithinTheRange) {
  std::vector<float> v(64 * 1 * 11);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 11);
  const Tensor x = Tensor::from_vector(v, {64, 1, 11, 1});
  const Tensor y = RandomTranslation(0.0, 0.2, {.fill_mode = "nearest", .seed = 5})(x, true);
  float lo = 10, hi = -10;
  for (int64_t b = 0; b < 64; ++b) {
    const float shift = 5.0f - y.at<float>({b, 0, 5, 0});  // the centre reads column 5 - shift
    lo = std::min(lo, shift), hi = std::max(hi, shift);
  }
  EXPECT_GE(lo, -2.2f - 1e-4);
  EXPECT_LE(hi, 2.2f + 1e-4);
  EXPECT_LT(lo, -1.0f);
  EXPECT_GT(hi, 1.0f);
}

TEST(RandomTranslation, BasicsFitAndConfig) {
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomTranslation(0.2, 0.2, {.seed = s})); },
      testing::pattern_images({4, 6, 6, 3}));
  const Tensor x = testing::pattern_images({2, 8, 8, 1});
  const TensorList seen = testing::seen_in_fit(RandomTranslation({0.25, 0.25}, 0.0, {.fill_mode = "wrap"}), x);
  ASSERT_EQ(seen.size(), 1u);
  testing::expect_allclose(ops::slice(seen[0], {0, 2, 0, 0}, {2, 6, 8, 1}), ops::slice(x, {0, 0, 0, 0}, {2, 6, 8, 1}),
                           1e-4, 1e-6, "in fit");
  testing::run_layer_test([] { return LayerHandle(RandomTranslation(0.2, 0.1)); }, {2, 4, 4, 2}, {2, 4, 4, 2});
  RandomTranslation layer(0.2, FloatOrList{-0.1, 0.3}, {.seed = 1, .name = "t"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"t","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","height_factor":0.2,"width_factor":[-0.1,0.3],"fill_mode":"reflect","interpolation":"bilinear","seed":1,"fill_value":0.0})");
}

TEST(RandomTranslation, Errors) {
  testing::expect_error<ValueError>([] { RandomTranslation(1.2, 0.0); }, {"`height_factor`", "[-1.0, 1.0]", "1.2"});
  testing::expect_error<ValueError>([] { RandomTranslation(0.0, FloatOrList{0.1}); }, {"`width_factor`"});
  testing::expect_error<ValueError>([] { RandomTranslation(0.1, 0.1, {.interpolation = "area"}); },
                                    {"`interpolation`"});
}

}  // namespace
}  // namespace keras::layers
