// RandomRotation: a quarter turn is numpy's rot90, pixels stay inside the image's range,
// the angle range follows the factor; seeds, inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/random_rotation.h"

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using testing::max_abs_diff;

TEST(RandomRotation, AQuarterTurnIsRot90) {
  const Tensor x = testing::pattern_images({3, 5, 5, 2});
  const Tensor rot90 = ops::flip(ops::transpose(x, {0, 2, 1, 3}), 1);  // numpy's rot90 (counter-clockwise)
  for (const std::string interp : {"nearest", "bilinear"})
    testing::expect_allclose(RandomRotation({0.25, 0.25}, {.interpolation = interp})(x, true), rot90, 1e-4, 1e-5,
                             interp);
  testing::expect_allclose(RandomRotation({-0.25, -0.25})(x, true), ops::flip(ops::transpose(x, {0, 2, 1, 3}), 2), 1e-4,
                           1e-5, "clockwise");
  testing::expect_allclose(RandomRotation({0.5, 0.5})(x, true), ops::flip(ops::flip(x, 1), 2), 1e-4, 1e-5, "half turn");
}

TEST(RandomRotation, PixelsStayInsideTheImagesRange) {
  const Tensor x = testing::pattern_images({32, 9, 7, 3});
  const float lo = ops::min(x).item<float>(), hi = ops::max(x).item<float>();
  for (const std::string mode : {"reflect", "wrap", "nearest"}) {
    const Tensor y = RandomRotation(0.5, {.fill_mode = mode, .seed = 1})(x, true);
    EXPECT_GE(ops::min(y).item<float>(), lo - 1e-3) << mode;
    EXPECT_LE(ops::max(y).item<float>(), hi + 1e-3) << mode;
    EXPECT_GT(max_abs_diff(x, y), 1.0f) << mode;
  }
  // Constant fill: the corners of a turned image are the fill value; the centre stays.
  const Tensor y = RandomRotation({0.125, 0.125},
                                  {.fill_mode = "constant", .interpolation = "nearest", .fill_value = -5.0})(x, true);
  EXPECT_EQ(y.at<float>({0, 0, 0, 0}), -5.0f);
  EXPECT_EQ(y.at<float>({0, 4, 3, 1}), x.at<float>({0, 4, 3, 1}));
}

TEST(RandomRotation, AnglesFollowTheFactor) {
  // A small factor moves a smooth image little; each image gets its own angle.
  std::vector<float> ramp(4 * 9 * 9);
  for (size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<float>(i % 9);  // x coordinate
  const Tensor x = Tensor::from_vector(ramp, {4, 9, 9, 1});
  const Tensor y = RandomRotation({0.01, 0.02}, {.seed = 3})(x, true);
  // Along the middle row x' = cx + (x - cx) cos t (row = centre), so the centre keeps 4.
  for (int64_t b = 0; b < 4; ++b) EXPECT_NEAR(y.at<float>({b, 4, 4, 0}), 4.0f, 1e-4);
  EXPECT_GT(max_abs_diff(x, y), 0.01f);
  EXPECT_LT(max_abs_diff(ops::slice(x, {0, 2, 2, 0}, {4, 5, 5, 1}), ops::slice(y, {0, 2, 2, 0}, {4, 5, 5, 1})), 1.0f);
  EXPECT_GT(max_abs_diff(ops::slice_rows(y, 0, 1), ops::slice_rows(y, 1, 2)), 0.0f);
}

TEST(RandomRotation, BasicsLayoutsAndFit) {
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomRotation(0.2, {.seed = s})); },
      testing::pattern_images({4, 6, 6, 3}));
  const Tensor x = testing::pattern_images({2, 5, 5, 2});
  const Tensor cf =
      RandomRotation({0.25, 0.25}, {.data_format = "channels_first"})(ops::transpose(x, {0, 3, 1, 2}), true);
  testing::expect_allclose(ops::transpose(cf, {0, 2, 3, 1}), RandomRotation({0.25, 0.25})(x, true), 1e-4, 1e-5);
  testing::expect_allclose(RandomRotation({0.25, 0.25})(ops::squeeze(ops::slice_rows(x, 0, 1), 0), true),
                           ops::squeeze(ops::flip(ops::transpose(ops::slice_rows(x, 0, 1), {0, 2, 1, 3}), 1), 0), 1e-4,
                           1e-5, "unbatched");
  const TensorList seen = testing::seen_in_fit(RandomRotation({0.25, 0.25}), x);
  ASSERT_EQ(seen.size(), 1u);
  testing::expect_allclose(seen[0], ops::flip(ops::transpose(x, {0, 2, 1, 3}), 1), 1e-4, 1e-5, "in fit");
  testing::run_layer_test([] { return LayerHandle(RandomRotation(0.1)); }, {2, 4, 4, 2}, {2, 4, 4, 2});
}

TEST(RandomRotation, GradientsPassThroughInTraining) {
  RandomRotation layer({0.1, 0.1}, {.fill_mode = "constant"});
  testing::check_layer_gradients(layer, testing::random_tensor({2, 4, 5, 2}, 1), true);
}

TEST(RandomRotation, ConfigAndErrors) {
  RandomRotation layer(0.2, {.name = "rot"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"rot","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","factor":[-0.2,0.2],"fill_mode":"reflect","fill_value":0.0,"interpolation":"bilinear","seed":null})");
  testing::expect_error<ValueError>([] { RandomRotation(1.5); },
                                    {"`factor`", "[-1, 1]", "factor=1.5", "RandomRotation"});
  testing::expect_error<ValueError>([] { RandomRotation({2.0, 3.0}); }, {"factor=(2, 3)"});
  testing::expect_error<ValueError>([] { RandomRotation(FloatOrList{0.1, 0.2, 0.3}); }, {"factor"});
  testing::expect_error<ValueError>([] { RandomRotation(0.1, {.fill_mode = "mirror"}); }, {"`fill_mode`", "mirror"});
  testing::expect_error<ValueError>([] { RandomRotation(0.1, {.interpolation = "bicubic"}); },
                                    {"`interpolation`", "bicubic"});
}

}  // namespace
}  // namespace keras::layers
