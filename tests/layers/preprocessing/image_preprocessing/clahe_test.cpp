// ContrastLimitedAdaptiveHistogramEqualization: without clipping one tile is plain
// histogram equalization (distinct values spread over [0, 255]), a tiny clip limit keeps
// the image, the mapping is monotone, value_range scales through; the same at inference
// and in training, layouts, inside fit, configs, errors. Keras's numbers: the clahe case
// (KerasCaseFiles).
#include "keras/layers/preprocessing/image_preprocessing/clahe.h"

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using Clahe = ContrastLimitedAdaptiveHistogramEqualization;
using testing::max_abs_diff;

/// One 8 x 8 image holding each of the values 0, 2, ..., 126 once (a shuffled order).
Tensor spread_image() {
  std::vector<float> v;
  for (int64_t i = 0; i < 64; ++i) v.push_back(static_cast<float>(2 * ((i * 37) % 64)));
  return Tensor::from_vector(v, {1, 8, 8, 1});
}

TEST(Clahe, OneTileWithoutClippingIsHistogramEqualization) {
  const Tensor x = spread_image();
  const Tensor y = Clahe({.clip_limit = 0.0, .tile_grid_size = 1})(x);
  // Value 2i has cdf i + 1 and the lowest cdf is 1: (i + 1 - 1) * 255 / (64 - 1).
  for (int64_t r = 0; r < 8; ++r)
    for (int64_t c = 0; c < 8; ++c) {
      const float i = x.at<float>({0, r, c, 0}) / 2;
      EXPECT_NEAR(y.at<float>({0, r, c, 0}), i * 255.0f / 63.0f, 1e-3) << r << "," << c;
    }
}

TEST(Clahe, ClippingLimitsTheContrast) {
  const Tensor x = spread_image();
  // A tiny limit flattens the histogram: the mapping is close to the identity.
  EXPECT_LT(max_abs_diff(Clahe({.clip_limit = 1e-3, .tile_grid_size = 1})(x), x), 1.5f);
  // Larger limits stretch more, and the mapping keeps the order of values.
  const Tensor mild = Clahe({.clip_limit = 2.0, .tile_grid_size = 1})(x);
  const Tensor full = Clahe({.clip_limit = 0.0, .tile_grid_size = 1})(x);
  const float range = ops::max(x).item<float>() - ops::min(x).item<float>();
  const float mild_range = ops::max(mild).item<float>() - ops::min(mild).item<float>();
  EXPECT_GT(mild_range, range);
  EXPECT_LE(mild_range, ops::max(full).item<float>() - ops::min(full).item<float>() + 1e-3f);
  const std::vector<float> in = x.to_vector<float>(), out = mild.to_vector<float>();
  for (size_t i = 0; i < in.size(); ++i)
    for (size_t j = 0; j < in.size(); ++j)
      if (in[i] < in[j]) {
        EXPECT_LE(out[i], out[j]);
      }
}

TEST(Clahe, TilesValueRangeLayoutsAndFit) {
  const Tensor x = testing::pattern_images({2, 9, 10, 3});  // 9 x 10 pads the last tiles
  const Tensor y = Clahe({.clip_limit = 2.0, .tile_grid_size = {2, 3}})(x);
  EXPECT_EQ(y.shape(), x.shape());
  EXPECT_GE(ops::min(y).item<float>(), 0.0f);
  EXPECT_LE(ops::max(y).item<float>(), 255.0f);
  EXPECT_GT(max_abs_diff(x, y), 1.0f);
  testing::expect_allclose(Clahe({.clip_limit = 2.0, .tile_grid_size = {2, 3}})(x, true), y, 0, 0, "training");
  const Tensor scaled = Clahe({.value_range = {0.0, 1.0}, .clip_limit = 2.0, .tile_grid_size = {2, 3}})(
      ops::divide(x, Tensor::scalar(255.0)));
  testing::expect_allclose(scaled, ops::divide(y, Tensor::scalar(255.0)), 2e-3, 1e-3, "value_range (0, 1)");
  const Tensor first = Clahe({.clip_limit = 2.0, .tile_grid_size = {2, 3}, .data_format = "channels_first"})(
      ops::transpose(x, {0, 3, 1, 2}));
  testing::expect_allclose(ops::transpose(first, {0, 2, 3, 1}), y, 0, 0, "channels_first");
  testing::expect_allclose(
      Clahe({.clip_limit = 2.0, .tile_grid_size = {2, 3}})(ops::squeeze(ops::slice_rows(x, 0, 1), 0)),
      ops::squeeze(ops::slice_rows(y, 0, 1), 0), 0, 0, "unbatched");
  const TensorList seen = testing::seen_in_fit(Clahe({.clip_limit = 2.0, .tile_grid_size = {2, 3}}), x);
  ASSERT_EQ(seen.size(), 1u);
  testing::expect_allclose(seen[0], y, 0, 0, "in fit");
}

TEST(Clahe, ConfigAndErrors) {
  Clahe layer({.name = "clahe"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"clahe","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","value_range":[0.0,255.0],"clip_limit":4.0,"tile_grid_size":[8,8]})");
  const auto copy =
      saving::deserialize_layer(saving::serialize_layer(Clahe({.clip_limit = 2.0, .tile_grid_size = {2, 4}})));
  EXPECT_EQ(saving::get_config(*copy)["tile_grid_size"].dump(), "[2,4]");
  testing::expect_error<ValueError>(
      [] {
        Clahe({.tile_grid_size = {0, 2}});
      },
      {"`tile_grid_size`", "ContrastLimitedAdaptiveHistogramEqualization"});
  testing::expect_error<ValueError>([] { Clahe({.value_range = {2.0, 1.0}}); }, {"`value_range`"});
  testing::expect_error<ValueError>([] { Clahe()(Tensor::zeros({2, 3}), false); }, {"rank 3"});
}

}  // namespace
}  // namespace keras::layers
