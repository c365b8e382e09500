// RandomShear: on coordinate ramps the output at (x, y) reads the input at
// (x + s_x y, y + s_y x), so the shears can be read back per image: their magnitudes
// follow the factors, x and y share Keras's random sign, and each sign comes about half
// the time; constant fill past the edge; seeds, layouts, inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/random_shear.h"

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using testing::max_abs_diff;

/// (batch, size, size, 2): channel 0 holds the x (column) coordinate, channel 1 the y (row).
Tensor coordinate_ramps(int64_t batch, int64_t size) {
  std::vector<float> v;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t y = 0; y < size; ++y)
      for (int64_t x = 0; x < size; ++x) {
        v.push_back(static_cast<float>(x));
        v.push_back(static_cast<float>(y));
      }
  return Tensor::from_vector(v, {batch, size, size, 2});
}

TEST(RandomShear, ShearsFollowTheFactorsWithOneSharedSign) {
  // At the centre (8, 8) of a 17 x 17 ramp, bilinear reading of a linear function is
  // exact: channel 0 gives 8 + 8 s_x, channel 1 gives 8 + 8 s_y.
  const int64_t n = 400;
  const Tensor y = RandomShear({.x_factor = FloatOrList{0.1, 0.3}, .y_factor = FloatOrList{0.05, 0.15}, .seed = 11})(
      coordinate_ramps(n, 17), true);
  double sum_x = 0, sum_y = 0;
  int negative = 0;
  for (int64_t b = 0; b < n; ++b) {
    const double sx = (y.at<float>({b, 8, 8, 0}) - 8.0) / 8.0, sy = (y.at<float>({b, 8, 8, 1}) - 8.0) / 8.0;
    EXPECT_GE(std::abs(sx), 0.1 - 1e-5);
    EXPECT_LE(std::abs(sx), 0.3 + 1e-5);
    EXPECT_GE(std::abs(sy), 0.05 - 1e-5);
    EXPECT_LE(std::abs(sy), 0.15 + 1e-5);
    EXPECT_EQ(sx < 0, sy < 0) << "image " << b << ": x and y share one sign";
    negative += sx < 0;
    sum_x += std::abs(sx);
    sum_y += std::abs(sy);
  }
  EXPECT_NEAR(sum_x / n, 0.2, 0.01);  // uniform magnitudes: sd of the mean ~0.003
  EXPECT_NEAR(sum_y / n, 0.1, 0.005);
  EXPECT_NEAR(negative, n / 2, 40);  // ~2 standard deviations of 10
}

TEST(RandomShear, AFixedShearMovesRowsAlongX) {
  // s_x = +-0.5, s_y = 0: row y is the input row shifted by s_x y, whole pixels on even rows.
  const Tensor x = coordinate_ramps(6, 9);
  const Tensor y = RandomShear({.x_factor = FloatOrList{0.5, 0.5}, .interpolation = "nearest", .seed = 2})(x, true);
  for (int64_t b = 0; b < 6; ++b) {
    const float sign = y.at<float>({b, 2, 4, 0}) > 4.0f ? 1.0f : -1.0f;
    for (int64_t row = 0; row < 9; row += 2)
      for (int64_t col = 0; col < 9; ++col) {
        const float src = static_cast<float>(col) + sign * 0.5f * static_cast<float>(row);
        if (src < 0 || src > 8) continue;
        EXPECT_EQ(y.at<float>({b, row, col, 0}), src) << b << " " << row << " " << col;
        EXPECT_EQ(y.at<float>({b, row, col, 1}), static_cast<float>(row));
      }
  }
  // Both signs occur in a batch of 64.
  const Tensor z = RandomShear({.x_factor = FloatOrList{0.5, 0.5}, .seed = 3})(coordinate_ramps(64, 9), true);
  int positive = 0;
  for (int64_t b = 0; b < 64; ++b) positive += z.at<float>({b, 2, 4, 0}) > 4.0f;
  EXPECT_GT(positive, 16);
  EXPECT_LT(positive, 48);
}

TEST(RandomShear, ConstantFillPastTheEdge) {
  // s_x = +-1: the bottom row's centre reads x = 4 +- 8, outside; the top row stays.
  const Tensor x = testing::pattern_images({8, 9, 9, 2});
  const Tensor y = RandomShear({.x_factor = FloatOrList{1.0, 1.0},
                                .interpolation = "nearest",
                                .fill_mode = "constant",
                                .fill_value = -7.0,
                                .seed = 4})(x, true);
  for (int64_t b = 0; b < 8; ++b) {
    EXPECT_EQ(y.at<float>({b, 8, 4, 1}), -7.0f);
    for (int64_t col = 0; col < 9; ++col) EXPECT_EQ(y.at<float>({b, 0, col, 0}), x.at<float>({b, 0, col, 0}));
  }
  // Other fill modes stay inside the image's values.
  for (const std::string mode : {"reflect", "wrap", "nearest"}) {
    const Tensor r = RandomShear({.x_factor = 0.8, .y_factor = 0.8, .fill_mode = mode, .seed = 1})(x, true);
    EXPECT_GE(ops::min(r).item<float>(), ops::min(x).item<float>() - 1e-3) << mode;
    EXPECT_LE(ops::max(r).item<float>(), ops::max(x).item<float>() + 1e-3) << mode;
    EXPECT_GT(max_abs_diff(r, x), 1.0f) << mode;
  }
}

TEST(RandomShear, ZeroFactorsAreTheIdentity) {
  const Tensor x = testing::pattern_images({3, 5, 6, 2});
  testing::expect_allclose(RandomShear()(x, true), x, 1e-4, 0, "default factors");
}

TEST(RandomShear, BasicsLayoutsAndFit) {
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomShear({.x_factor = 0.3, .y_factor = 0.2, .seed = s})); },
      testing::pattern_images({4, 6, 6, 3}));
  const Tensor x = testing::pattern_images({3, 5, 7, 2});
  const RandomShearOptions o{.x_factor = 0.4, .y_factor = 0.3, .seed = 9};
  RandomShearOptions of = o;
  of.data_format = "channels_first";
  const Tensor cf = RandomShear(of)(ops::transpose(x, {0, 3, 1, 2}), true);
  testing::expect_allclose(ops::transpose(cf, {0, 2, 3, 1}), RandomShear(o)(x, true), 1e-5, 0, "channels_first");
  const Tensor one = ops::slice_rows(x, 0, 1);
  testing::expect_allclose(RandomShear(o)(ops::squeeze(one, 0), true), ops::squeeze(RandomShear(o)(one, true), 0), 0, 0,
                           "unbatched");
  // Inside fit the layer shears: with s_x = +-0.5 every image is one of the two shears.
  const Tensor ramps = coordinate_ramps(4, 9);
  const TensorList seen = testing::seen_in_fit(
      RandomShear({.x_factor = FloatOrList{0.5, 0.5}, .interpolation = "nearest", .fill_mode = "nearest"}), ramps);
  ASSERT_EQ(seen.size(), 1u);
  for (int64_t b = 0; b < 4; ++b) {
    const float v = seen[0].at<float>({b, 4, 4, 0});
    EXPECT_TRUE(v == 6.0f || v == 2.0f) << v;
  }
  testing::run_layer_test([] { return LayerHandle(RandomShear({.x_factor = 0.1})); }, {2, 4, 4, 2}, {2, 4, 4, 2});
}

TEST(RandomShear, GradientsPassThroughInTraining) {
  // A fresh layer with one seed per evaluation: the same shears every time.
  testing::check_gradients(
      [](const TensorList& in) {
        return RandomShear({.x_factor = 0.3, .y_factor = 0.2, .fill_mode = "constant", .seed = 6})(in[0], true);
      },
      {testing::random_tensor({2, 4, 5, 2}, 1).set_requires_grad()});
}

TEST(RandomShear, ConfigAndErrors) {
  RandomShear layer({.x_factor = 0.2, .y_factor = FloatOrList{0.3, 0.1}, .name = "shear"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"shear","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","x_factor":[-0.2,0.2],"y_factor":[0.1,0.3],"fill_mode":"reflect","interpolation":"bilinear","seed":null,"fill_value":0.0})");
  testing::expect_error<ValueError>([] { RandomShear({.x_factor = 1.5}); },
                                    {"`x_factor`", "[0, 1.0]", "x_factor=1.5", "RandomShear"});
  testing::expect_error<ValueError>(
      [] {
        RandomShear({.y_factor = FloatOrList{-0.1, 0.2}});
      },
      {"`y_factor`", "y_factor=(-0.1, 0.2)"});
  testing::expect_error<ValueError>([] { RandomShear({.x_factor = FloatOrList{0.1, 0.2, 0.3}}); }, {"x_factor"});
  testing::expect_error<ValueError>(
      [] {
        RandomShear({.x_factor = FloatOrList{-1.5, 1.5}});
      },
      {"x_factor=(-1.5, 1.5)"});
  // The pair a number is stored as is read back.
  EXPECT_EQ(RandomShear({.x_factor = FloatOrList{-0.3, 0.3}}).x_factor(), (std::array<double, 2>{-0.3, 0.3}));
  testing::expect_error<ValueError>([] { RandomShear({.fill_mode = "mirror"}); }, {"`fill_mode`", "mirror"});
  testing::expect_error<ValueError>([] { RandomShear({.interpolation = "bicubic"}); }, {"`interpolation`", "bicubic"});
  testing::expect_error<ValueError>([] { RandomShear()(Tensor::zeros({4, 4}), true); }, {"rank 3", "(4, 4)"});
}

}  // namespace
}  // namespace keras::layers
