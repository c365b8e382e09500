// RandomFlip: about half of a large batch flipped, each exactly reversed; modes, seeds,
// layouts, inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/random_flip.h"

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using testing::max_abs_diff;

/// How many images of y are x's flipped along `axes`; fails on any image that is neither.
int count_flipped(const Tensor& x, const Tensor& y, const std::vector<int64_t>& axes) {
  Tensor f = x;
  for (int64_t a : axes) f = ops::flip(f, a);
  int flipped = 0;
  for (int64_t i = 0; i < x.dim(0); ++i) {
    const Tensor xi = ops::slice_rows(x, i, i + 1), yi = ops::slice_rows(y, i, i + 1),
                 fi = ops::slice_rows(f, i, i + 1);
    const bool same = max_abs_diff(xi, yi) == 0, is_flipped = max_abs_diff(fi, yi) == 0;
    EXPECT_TRUE(same || is_flipped) << "image " << i;
    flipped += is_flipped && !same;
  }
  return flipped;
}

TEST(RandomFlip, FlipsAboutHalfOfABatchExactly) {
  const Tensor x = testing::pattern_images({400, 4, 5, 2});
  for (const auto& [mode, axes] : std::vector<std::pair<std::string, std::vector<int64_t>>>{
           {"horizontal", {2}}, {"vertical", {1}}, {"horizontal_and_vertical", {1, 2}}}) {
    SCOPED_TRACE(mode);
    const int n = count_flipped(x, RandomFlip(mode, {.seed = 11})(x, true), axes);
    EXPECT_GT(n, 150);
    EXPECT_LT(n, 250);
  }
}

TEST(RandomFlip, IdentityAtInferenceSeedsAndConfig) {
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomFlip("horizontal", {.seed = s})); },
      testing::pattern_images({16, 3, 4, 2}));
}

TEST(RandomFlip, UnbatchedAndChannelsFirst) {
  const Tensor image = testing::pattern_images({3, 4, 2});
  int flipped = 0;
  RandomFlip layer("horizontal", {.seed = 2});
  for (int i = 0; i < 40; ++i) {
    const Tensor y = layer(image, true);
    ASSERT_EQ(y.shape(), image.shape());
    flipped += max_abs_diff(y, image) > 0;
    if (max_abs_diff(y, image) > 0) {
      EXPECT_EQ(max_abs_diff(y, ops::flip(image, 1)), 0);
    }
  }
  EXPECT_GT(flipped, 8);
  EXPECT_LT(flipped, 32);
  // Channels first: the width is the last axis.
  const Tensor x = testing::pattern_images({64, 2, 3, 4});
  EXPECT_GT(count_flipped(x, RandomFlip("horizontal", {.seed = 3, .data_format = "channels_first"})(x, true), {3}), 10);
}

TEST(RandomFlip, FlipsInsideFitOnly) {
  const Tensor x = testing::pattern_images({64, 4, 4, 1});
  const TensorList seen = testing::seen_in_fit(RandomFlip("vertical", {.seed = 1}), x);
  ASSERT_EQ(seen.size(), 1u);
  const int n = count_flipped(x, seen[0], {1});
  EXPECT_GT(n, 15);
  EXPECT_LT(n, 49);
}

TEST(RandomFlip, ConfigAsKerasWritesIt) {
  RandomFlip layer("vertical", {.seed = 4, .name = "flip"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"flip","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","seed":4,"mode":"vertical"})");
  testing::run_layer_test([] { return LayerHandle(RandomFlip()); }, {2, 3, 4, 2}, {2, 3, 4, 2});
}

TEST(RandomFlip, Errors) {
  testing::expect_error<ValueError>([] { RandomFlip("diagonal"); }, {"`mode`", "diagonal", "RandomFlip"});
  testing::expect_error<ValueError>([] { RandomFlip("horizontal", {.data_format = "nhwc"}); }, {"data_format"});
  testing::expect_error<ValueError>([] { RandomFlip()(Tensor::zeros({2, 3}), true); }, {"rank 3", "(2, 3)"});
}

}  // namespace
}  // namespace keras::layers
