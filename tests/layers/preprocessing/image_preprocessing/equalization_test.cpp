// Equalization: hand-computed lookup tables (Keras's rounding half to even, few bins, a
// value range other than [0, 255]), the histogram taken per channel over the whole batch
// as Keras takes it, a constant channel kept, the full range used and a skewed
// histogram flattened; identity when training is false (Keras's code), layouts, inside
// fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/equalization.h"

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using testing::max_abs_diff;

TEST(Equalization, HandComputedTables) {
  // Counts at 0, 50, 100, 150, 200, 250 are 1, 1, 1, 1, 1, 2: cdf 1..5, 7; cdf_min 1,
  // spread 6; table round(255 k / 6) = 0, 42.5 -> 42, 85, 127.5 -> 128, 170, 255.
  const Tensor x = Tensor::from_vector<float>({0, 50, 100, 150, 200, 250, 250}, {1, 1, 7, 1});
  testing::expect_allclose(Equalization()(x, true),
                           Tensor::from_vector<float>({0, 42, 85, 128, 170, 255, 255}, {1, 1, 7, 1}), 0, 0, "bins 256");
  // value_range (0, 1), 4 bins: scaled 0, 25.5, 76.5, 153, 229.5, 255 fall in bins
  // 0, 0, 0, 1, 2, 3; cdf 3, 4, 5, 6; table 0, 85, 170, 255; mapped back by / 255.
  const Tensor u = Tensor::from_vector<float>({0.0f, 0.1f, 0.3f, 0.6f, 0.9f, 1.0f}, {1, 2, 3, 1});
  testing::expect_allclose(Equalization({.value_range = FloatOrList{0.0, 1.0}, .bins = 4})(u, true),
                           Tensor::from_vector<float>({0, 0, 0, 1.0f / 3, 2.0f / 3, 1}, {1, 2, 3, 1}), 1e-6, 0,
                           "bins 4, range (0, 1)");
  // Values outside the range fall in the end bins.
  const Tensor w = Tensor::from_vector<float>({-20, 0, 128, 300}, {1, 2, 2, 1});
  testing::expect_allclose(Equalization()(w, true), Tensor::from_vector<float>({0, 0, 128, 255}, {1, 2, 2, 1}), 0, 0,
                           "out of range");
}

TEST(Equalization, KerasConstantRegions) {
  // Keras's test_constant_regions: rows 0-20 at 50, 21-41 at 100, 42-63 at 200 (64 wide):
  // cdf 1344, 2688, 4096; cdf_min 1344, spread 2752; 100 -> round(124.53) = 125.
  std::vector<float> v;
  for (int row = 0; row < 64; ++row)
    for (int k = 0; k < 64 * 3; ++k) v.push_back(row < 21 ? 50.0f : row < 42 ? 100.0f : 200.0f);
  const Tensor y = Equalization()(Tensor::from_vector(v, {1, 64, 64, 3}), true);
  for (const auto& [row, want] :
       std::vector<std::pair<int64_t, float>>{{0, 0}, {20, 0}, {21, 125}, {41, 125}, {42, 255}})
    for (int64_t c = 0; c < 3; ++c) EXPECT_EQ(y.at<float>({0, row, 5, c}), want) << row;
  // Other bin counts keep the output in range (Keras's test_different_bin_sizes).
  const Tensor x = testing::random_tensor({1, 32, 32, 3}, 7, 0, 255);
  for (const int64_t bins : {16, 64, 128, 256}) {
    const Tensor e = Equalization({.bins = bins})(x, true);
    EXPECT_EQ(ops::min(e).item<float>(), 0.0f) << bins;
    EXPECT_EQ(ops::max(e).item<float>(), 255.0f) << bins;
  }
}

TEST(Equalization, OneHistogramPerChannelOverTheBatch) {
  // Keras counts images[..., c] of the whole batch: a dark and a bright constant image
  // together become 0 and 255; each alone (one bin) is kept.
  const Tensor dark = ops::multiply(Tensor::ones({1, 3, 3, 1}), Tensor::scalar(10.0f));
  const Tensor bright = ops::multiply(Tensor::ones({1, 3, 3, 1}), Tensor::scalar(200.0f));
  const Tensor both = Equalization()(ops::concatenate({dark, bright}, 0), true);
  EXPECT_EQ(ops::max(ops::slice_rows(both, 0, 1)).item<float>(), 0.0f);
  EXPECT_EQ(ops::min(ops::slice_rows(both, 1, 2)).item<float>(), 255.0f);
  testing::expect_allclose(Equalization()(dark, true), dark, 0, 0, "one image, one bin");
  // Channels are separate: a constant channel beside a varied one is kept.
  // (A channel whose values all lie within one bin counts as constant.)
  const Tensor varied = testing::random_tensor({2, 5, 5, 1}, 3, 40, 90);
  const Tensor flat = ops::add(ops::divide(varied, Tensor::scalar(1000.0f)), Tensor::scalar(7.0f));  // 7.04..7.09
  const Tensor y = Equalization()(ops::concatenate({varied, flat}, 3), true);
  EXPECT_EQ(ops::min(ops::slice(y, {0, 0, 0, 0}, {2, 5, 5, 1})).item<float>(), 0.0f);
  EXPECT_EQ(ops::max(ops::slice(y, {0, 0, 0, 0}, {2, 5, 5, 1})).item<float>(), 255.0f);
  testing::expect_allclose(ops::slice(y, {0, 0, 0, 1}, {2, 5, 5, 1}), flat, 0, 0, "one-bin channel");
}

TEST(Equalization, ConstantImagesAreKept) {
  for (const float v : {0.0f, 37.0f, 255.0f}) {
    const Tensor x = ops::multiply(Tensor::ones({2, 4, 4, 3}), Tensor::scalar(v));
    testing::expect_allclose(Equalization()(x, true), x, 0, 0, "constant");
  }
  const Tensor x = ops::multiply(Tensor::ones({1, 4, 4, 3}), Tensor::scalar(0.25f));
  testing::expect_allclose(Equalization({.value_range = FloatOrList{-1.0, 1.0}})(x, true), x, 1e-6, 0, "range (-1, 1)");
}

TEST(Equalization, UsesTheFullRangeAndFlattensTheHistogram) {
  // Skewed values v = 255 (0.3 + 0.7 u)^3 (6.9 to 255): 71% of the pixels lie below 128.
  // Equalized, each channel spans [0, 255], the order of values is kept, and about half
  // the pixels lie below 128 (the lowest bin, ~2% of the pixels, goes to 0).
  const Tensor u = ops::add(ops::multiply(testing::random_tensor({4, 16, 16, 2}, 5, 0, 1), Tensor::scalar(0.7f)),
                            Tensor::scalar(0.3f));
  const Tensor x = ops::multiply(ops::multiply(ops::multiply(u, u), u), Tensor::scalar(255.0f));
  const Tensor y = Equalization()(x, true);
  for (int64_t c = 0; c < 2; ++c) {
    const Tensor yc = ops::slice(y, {0, 0, 0, c}, {4, 16, 16, 1});
    EXPECT_EQ(ops::min(yc).item<float>(), 0.0f);
    EXPECT_EQ(ops::max(yc).item<float>(), 255.0f);
  }
  const std::vector<float> xv = x.to_vector<float>(), yv = y.to_vector<float>();
  size_t below = 0, x_below = 0;
  for (size_t i = 0; i < xv.size(); ++i) {
    below += yv[i] < 128.0f;
    x_below += xv[i] < 128.0f;
    EXPECT_EQ(yv[i], std::nearbyint(yv[i])) << "table values are whole numbers";
    for (size_t j = i % 2; j < xv.size(); j += 2 * 37)  // a sample of pairs in one channel
      if (xv[j] < xv[i]) {
        EXPECT_LE(yv[j], yv[i]);
      }
  }
  EXPECT_GT(x_below, xv.size() * 2 / 3);
  EXPECT_NEAR(static_cast<double>(below) / static_cast<double>(yv.size()), 0.5, 0.05);
  EXPECT_NEAR(ops::mean(y).item<float>(), 127.5, 8.0);
}

TEST(Equalization, InferenceLayoutsAndFit) {
  const Tensor x = testing::pattern_images({2, 5, 6, 3});
  const Tensor y = Equalization()(x, true);
  EXPECT_GT(max_abs_diff(y, x), 1.0f);
  testing::expect_allclose(Equalization()(x, false), x, 0, 0, "training=false passes through, as Keras's code does");
  testing::check_augmentation_basics([](std::optional<uint64_t>) { return LayerHandle(Equalization()); }, x, false);
  const Tensor cf = Equalization({.data_format = "channels_first"})(ops::transpose(x, {0, 3, 1, 2}), true);
  testing::expect_allclose(ops::transpose(cf, {0, 2, 3, 1}), y, 0, 0, "channels_first");
  const Tensor one = ops::slice_rows(x, 0, 1);
  testing::expect_allclose(Equalization()(ops::squeeze(one, 0), true), ops::squeeze(Equalization()(one, true), 0), 0, 0,
                           "unbatched");
  const TensorList seen = testing::seen_in_fit(Equalization(), x);
  ASSERT_EQ(seen.size(), 1u);
  testing::expect_allclose(seen[0], y, 0, 0, "in fit");
  // Integer images are cast to the layer's dtype first.
  testing::expect_allclose(Equalization()(ops::cast(x, DType::int32), true), y, 0, 0, "int32 input");
}

TEST(Equalization, ConfigAndErrors) {
  Equalization layer({.value_range = FloatOrList{1.0, -1.0}, .bins = 64, .name = "eq"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"eq","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","bins":64,"value_range":[-1.0,1.0]})");
  const auto copy = saving::deserialize_layer(saving::serialize_layer(layer));
  EXPECT_EQ(saving::get_config(*copy).dump(), saving::get_config(layer).dump());
  testing::expect_error<ValueError>([] { Equalization({.bins = 0}); }, {"`bins`", "bins=0", "Equalization"});
  testing::expect_error<ValueError>(
      [] {
        Equalization({.value_range = FloatOrList{1.0, 1.0}});
      },
      {"`value_range`", "(1, 1)"});
  testing::expect_error<ValueError>([] { Equalization({.value_range = 255.0}); }, {"`value_range`"});
  testing::expect_error<ValueError>([] { Equalization({.data_format = "nchw"}); }, {"nchw"});
  testing::expect_error<ValueError>(
      [] {
        Equalization()(Tensor::zeros({2, 3, 4, 5, 6}), true);
      },
      {"rank 3", "(2, 3, 4, 5, 6)"});
}

}  // namespace
}  // namespace keras::layers
