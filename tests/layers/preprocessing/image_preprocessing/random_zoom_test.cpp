// RandomZoom: zooming in and out of a known ramp, the aspect ratio kept without
// width_factor; seeds, inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/random_zoom.h"

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

/// (batch, h, w, 2): channel 0 is the column index, channel 1 the row index.
Tensor coordinates(int64_t batch, int64_t h, int64_t w) {
  std::vector<float> v;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j) v.insert(v.end(), {static_cast<float>(j), static_cast<float>(i)});
  return Tensor::from_vector(v, {batch, h, w, 2});
}

TEST(RandomZoom, ScalesAboutTheCentre) {
  const Tensor x = coordinates(2, 5, 7);
  // Zoom 0.5 (factor -0.5): output pixel j reads column cx + (j - cx) / 2 (magnified).
  const Tensor in = RandomZoom({-0.5, -0.5})(x, true);
  for (int64_t j = 0; j < 7; ++j)
    EXPECT_NEAR(in.at<float>({1, 2, j, 0}), 3.0f + (static_cast<float>(j) - 3.0f) / 2, 1e-5);
  for (int64_t i = 0; i < 5; ++i)
    EXPECT_NEAR(in.at<float>({0, i, 3, 1}), 2.0f + (static_cast<float>(i) - 2.0f) / 2, 1e-5);
  // Only the height: the columns stay.
  const Tensor tall = RandomZoom({-0.5, -0.5}, {.width_factor = FloatOrList{0.0, 0.0}})(x, true);
  for (int64_t j = 0; j < 7; ++j) EXPECT_NEAR(tall.at<float>({0, 0, j, 0}), static_cast<float>(j), 1e-5);
  EXPECT_NEAR(tall.at<float>({0, 0, 0, 1}), 1.0f, 1e-5);
  // Zoom out 2x with a constant fill: the border is the fill, the centre the whole image.
  const Tensor out = RandomZoom({1.0, 1.0}, {.fill_mode = "constant", .fill_value = -1.0})(x, true);
  EXPECT_EQ(out.at<float>({0, 0, 0, 0}), -1.0f);
  EXPECT_NEAR(out.at<float>({0, 2, 4, 0}), 5.0f, 1e-5);
  EXPECT_NEAR(out.at<float>({0, 2, 3, 0}), 3.0f, 1e-5);
}

TEST(RandomZoom, EachImageItsOwnZoom) {
  const Tensor x = coordinates(64, 5, 5);
  const Tensor y = RandomZoom(0.5, {.seed = 2})(x, true);
  float lo = 10, hi = -10;
  for (int64_t b = 0; b < 64; ++b) {
    const float slope = y.at<float>({b, 2, 3, 0}) - y.at<float>({b, 2, 2, 0});        // the drawn zoom
    EXPECT_NEAR(y.at<float>({b, 3, 2, 1}) - y.at<float>({b, 2, 2, 1}), slope, 1e-4);  // same zoom both ways
    lo = std::min(lo, slope), hi = std::max(hi, slope);
  }
  EXPECT_GE(lo, 0.5f - 1e-4);
  EXPECT_LE(hi, 1.5f + 1e-4);
  EXPECT_LT(lo, 0.7f);
  EXPECT_GT(hi, 1.3f);
}

TEST(RandomZoom, BasicsFitAndConfig) {
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomZoom(0.3, {.seed = s})); },
      testing::pattern_images({4, 6, 6, 3}));
  const Tensor x = coordinates(2, 5, 5);
  const TensorList seen = testing::seen_in_fit(RandomZoom({-0.5, -0.5}), x);
  ASSERT_EQ(seen.size(), 1u);
  testing::expect_allclose(seen[0], RandomZoom({-0.5, -0.5})(x, true), 0, 0, "in fit");
  EXPECT_GT(testing::max_abs_diff(seen[0], x), 0.5f);
  testing::run_layer_test([] { return LayerHandle(RandomZoom(0.2, {.width_factor = 0.1})); }, {2, 4, 4, 2},
                          {2, 4, 4, 2});
  RandomZoom layer(0.2, {.name = "z"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"z","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","height_factor":0.2,"width_factor":null,"fill_mode":"reflect","interpolation":"bilinear","seed":null,"fill_value":0.0})");
}

TEST(RandomZoom, Errors) {
  testing::expect_error<ValueError>([] { RandomZoom(-1.0); }, {"`height_factor`", "(-1.0, 1.0]", "RandomZoom"});
  testing::expect_error<ValueError>(
      [] {
        RandomZoom(0.1, {.width_factor = FloatOrList{0.1, 1.5}});
      },
      {"`width_factor`", "(0.1, 1.5)"});
  testing::expect_error<ValueError>([] { RandomZoom(0.1, {.fill_mode = "mirror"}); }, {"`fill_mode`"});
}

}  // namespace
}  // namespace keras::layers
