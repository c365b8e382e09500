// RandomErasing: each erased image holds one rectangle of the fill value of about the
// drawn area, images are erased with the drawn probability, the noise fill is clipped
// to value_range; seeds, layouts, inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/random_erasing.h"

#include <algorithm>

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using testing::max_abs_diff;

/// Per image: the number of pixels equal to `fill` in every channel, after checking that
/// they form one rectangle and that every other pixel is unchanged.
std::vector<int64_t> erased_boxes(const Tensor& x, const Tensor& y, float fill) {
  std::vector<int64_t> counts;
  for (int64_t b = 0; b < x.dim(0); ++b) {
    int64_t count = 0, r0 = x.dim(1), r1 = -1, c0 = x.dim(2), c1 = -1;
    for (int64_t r = 0; r < x.dim(1); ++r)
      for (int64_t c = 0; c < x.dim(2); ++c) {
        bool erased = true, same = true;
        for (int64_t k = 0; k < x.dim(3); ++k) {
          erased = erased && y.at<float>({b, r, c, k}) == fill;
          same = same && y.at<float>({b, r, c, k}) == x.at<float>({b, r, c, k});
        }
        EXPECT_TRUE(erased || same) << "pixel " << b << "," << r << "," << c;
        if (!erased) continue;
        ++count;
        r0 = std::min(r0, r), r1 = std::max(r1, r), c0 = std::min(c0, c), c1 = std::max(c1, c);
      }
    if (count > 0) {
      EXPECT_EQ(count, (r1 - r0 + 1) * (c1 - c0 + 1)) << "image " << b << " is not a rectangle";
    }
    counts.push_back(count);
  }
  return counts;
}

TEST(RandomErasing, ErasesOneRectangleOfTheDrawnArea) {
  const Tensor x = testing::pattern_images({16, 20, 20, 3});  // values 1..251, never 0
  // scale (0.1, 0.1): sides sqrt(0.1) * 20 = 6.3 pixels, covering 6 or 7 rows and columns.
  for (int64_t n :
       erased_boxes(x, RandomErasing({1.0, 1.0}, {.scale = {0.1, 0.1}, .fill_value = 0.0, .seed = 1})(x, true), 0.0f)) {
    EXPECT_GE(n, 36);
    EXPECT_LE(n, 49);
  }
  // Keras's default scale (0.02, 0.33): the mean fraction is E[sqrt(s)]^2 = 0.161.
  const Tensor big = testing::pattern_images({64, 32, 32, 1});
  double total = 0;
  for (int64_t n : erased_boxes(big, RandomErasing({1.0, 1.0}, {.fill_value = 0.0, .seed = 2})(big, true), 0.0f)) {
    EXPECT_GT(n, 0);
    total += static_cast<double>(n);
  }
  const double fraction = total / (64.0 * 32 * 32);
  EXPECT_GT(fraction, 0.12);
  EXPECT_LT(fraction, 0.21);
  // scale (1, 1): the whole image.
  EXPECT_EQ(ops::max(RandomErasing({1.0, 1.0}, {.scale = {1.0, 1.0}, .fill_value = 7.0})(x, true)).item<float>(), 7.0f);
  EXPECT_EQ(ops::min(RandomErasing({1.0, 1.0}, {.scale = {1.0, 1.0}, .fill_value = 7.0})(x, true)).item<float>(), 7.0f);
}

TEST(RandomErasing, ErasesWithTheDrawnProbability) {
  const Tensor x = testing::pattern_images({200, 4, 4, 1});
  const auto erased = [&](const FloatOrList& factor) {
    int n = 0;
    for (int64_t c :
         erased_boxes(x, RandomErasing(factor, {.scale = {1.0, 1.0}, .fill_value = 0.0, .seed = 3})(x, true), 0.0f))
      n += c == 16;
    return n;
  };
  EXPECT_EQ(erased({1.0, 1.0}), 200);
  EXPECT_EQ(erased(0.0), 0);
  const int half = erased({0.5, 0.5});
  EXPECT_GT(half, 70);
  EXPECT_LT(half, 130);
  const int quarter = erased(0.5);  // p drawn from [0, 0.5): 1/4 on average
  EXPECT_GT(quarter, 25);
  EXPECT_LT(quarter, 75);
}

TEST(RandomErasing, FillValues) {
  const Tensor x = testing::pattern_images({4, 16, 16, 3});
  // None: normal noise times value_range's high end, clipped to value_range: half the
  // values are 0, about 16% reach 255.
  const Tensor y = RandomErasing({1.0, 1.0}, {.scale = {1.0, 1.0}, .seed = 4})(x, true);
  const std::vector<float> v = y.to_vector<float>();
  double zeros = 0, tops = 0;
  for (float f : v) {
    EXPECT_GE(f, 0.0f);
    EXPECT_LE(f, 255.0f);
    zeros += f == 0.0f, tops += f == 255.0f;
  }
  EXPECT_NEAR(zeros / static_cast<double>(v.size()), 0.5, 0.05);
  EXPECT_NEAR(tops / static_cast<double>(v.size()), 0.159, 0.04);
  const Tensor unit = RandomErasing({1.0, 1.0}, {.scale = {1.0, 1.0}, .value_range = {0.0, 1.0}, .seed = 4})(x, true);
  EXPECT_LE(ops::max(unit).item<float>(), 1.0f);
  EXPECT_GT(ops::max(unit).item<float>(), 0.9f);
  // Three numbers fill per channel; a number beyond value_range is clipped.
  const Tensor rgb =
      RandomErasing({1.0, 1.0}, {.scale = {1.0, 1.0}, .fill_value = FloatOrList{10.0, 20.0, 300.0}})(x, true);
  for (int64_t k = 0; k < 3; ++k) EXPECT_EQ(rgb.at<float>({1, 5, 7, k}), std::vector<float>({10, 20, 255})[k]);
  EXPECT_EQ(ops::min(RandomErasing({1.0, 1.0}, {.scale = {1.0, 1.0}, .fill_value = -3.0})(x, true)).item<float>(),
            0.0f);
}

TEST(RandomErasing, BasicsLayoutsAndFit) {
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomErasing(1.0, {.seed = s})); },
      testing::pattern_images({4, 8, 8, 3}));
  const Tensor x = testing::pattern_images({3, 10, 9, 2});
  const Tensor last = RandomErasing({1.0, 1.0}, {.seed = 5})(x, true);
  const Tensor first =
      RandomErasing({1.0, 1.0}, {.seed = 5, .data_format = "channels_first"})(ops::transpose(x, {0, 3, 1, 2}), true);
  testing::expect_allclose(ops::transpose(first, {0, 2, 3, 1}), last, 0, 0, "channels_first");
  EXPECT_GT(max_abs_diff(last, x), 0.0f);
  const Tensor one = ops::squeeze(ops::slice_rows(x, 0, 1), 0);
  const Tensor erased = RandomErasing({1.0, 1.0}, {.scale = {1.0, 1.0}, .fill_value = 0.0})(one, true);
  EXPECT_EQ(erased.shape(), one.shape());
  EXPECT_EQ(ops::max(ops::abs(erased)).item<float>(), 0.0f);
  const TensorList seen = testing::seen_in_fit(RandomErasing({1.0, 1.0}, {.scale = {1.0, 1.0}, .fill_value = 0.0}), x);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(ops::max(ops::abs(seen[0])).item<float>(), 0.0f);
  testing::run_layer_test([] { return LayerHandle(RandomErasing()); }, {2, 4, 4, 2}, {2, 4, 4, 2});
}

TEST(RandomErasing, ConfigAndErrors) {
  RandomErasing layer(1.0, {.name = "erase"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"erase","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","factor":[0.0,1.0],"scale":[0.02,0.33],"fill_value":null,"value_range":[0.0,255.0],"seed":null})");
  const auto copy = saving::deserialize_layer(
      saving::serialize_layer(RandomErasing({0.2, 0.4}, {.scale = 0.5, .fill_value = FloatOrList{1.0, 2.0, 3.0}})));
  EXPECT_EQ(saving::get_config(*copy)["scale"].dump(), "[0.0,0.5]");
  EXPECT_EQ(saving::get_config(*copy)["fill_value"].dump(), "[1.0,2.0,3.0]");
  testing::expect_error<ValueError>([] { RandomErasing(1.5); }, {"`factor`", "[0, 1]", "RandomErasing"});
  testing::expect_error<ValueError>([] { RandomErasing(1.0, {.scale = {2.0, 3.0}}); }, {"`scale`", "scale=(2, 3)"});
  testing::expect_error<ValueError>(
      [] {
        RandomErasing(1.0, {.fill_value = FloatOrList{1.0, 2.0}});
      },
      {"`fill_value`", "RandomErasing"});
  testing::expect_error<ValueError>([] { RandomErasing(1.0, {.value_range = {1.0, 0.0}}); }, {"`value_range`"});
  const Tensor gray = testing::pattern_images({1, 4, 4, 1});
  testing::expect_error<ValueError>(
      [&] {
        RandomErasing(1.0, {.fill_value = FloatOrList{1.0, 2.0, 3.0}})(gray, true);
      },
      {"`fill_value`", "3 channels"});
  testing::expect_error<ValueError>([] { RandomErasing()(Tensor::zeros({4, 4}), true); }, {"rank 3"});
}

}  // namespace
}  // namespace keras::layers
