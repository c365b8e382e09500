// RandomCrop: random windows of the image in training, the aspect-ratio crop and resize
// for small images, the identity at inference (Keras 3); seeds, inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/random_crop.h"

#include <set>

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

TEST(RandomCrop, CropsRandomWindows) {
  const Tensor x = testing::pattern_images({2, 8, 9, 3});
  RandomCrop layer(5, 4, {.seed = 1});
  std::set<std::pair<int64_t, int64_t>> starts;
  for (int k = 0; k < 60; ++k) {
    const Tensor y = layer(x, true);
    ASSERT_EQ(y.shape(), Shape({2, 5, 4, 3}));
    bool found = false;  // the window it is
    for (int64_t i = 0; i <= 3 && !found; ++i)
      for (int64_t j = 0; j <= 5 && !found; ++j)
        if (testing::max_abs_diff(y, ops::slice(x, {0, i, j, 0}, {2, 5, 4, 3})) == 0) {
          starts.insert({i, j});
          found = true;
        }
    EXPECT_TRUE(found);
  }
  EXPECT_GT(starts.size(), 10u);                  // of the 4 x 6 possible
  EXPECT_EQ(layer(x, false).shape(), x.shape());  // Keras 3: unchanged at inference
  EXPECT_EQ(layer.compute_output_shape(Shape{kNone, 8, 9, 3}), Shape({kNone, 5, 4, 3}));
}

TEST(RandomCrop, SmallImagesAreCroppedToTheAspectRatioAndResized) {
  const Tensor x = testing::pattern_images({1, 4, 6, 1});
  // 4x6 to 8x8: the centred 4x4 window, resized bilinearly.
  testing::expect_allclose(RandomCrop(8, 8)(x, true),
                           ops::image::resize(ops::slice(x, {0, 0, 1, 0}, {1, 4, 4, 1}), {8, 8}), 1e-5, 1e-6);
  // Same height: the centred window without resizing.
  testing::expect_allclose(RandomCrop(4, 2)(x, true), ops::slice(x, {0, 0, 2, 0}, {1, 4, 2, 1}), 0, 0);
}

TEST(RandomCrop, BasicsLayoutsFitAndConfig) {
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomCrop(3, 3, {.seed = s})); },
      testing::pattern_images({2, 9, 9, 2}));
  const Tensor x = testing::pattern_images({2, 6, 6, 2});
  const Tensor cf =
      RandomCrop(3, 2, {.seed = 4, .data_format = "channels_first"})(ops::transpose(x, {0, 3, 1, 2}), true);
  testing::expect_allclose(ops::transpose(cf, {0, 2, 3, 1}), RandomCrop(3, 2, {.seed = 4})(x, true), 0, 0);
  EXPECT_EQ(RandomCrop(3, 2)(ops::squeeze(ops::slice_rows(x, 0, 1), 0), true).shape(), Shape({3, 2, 2}));
  const TensorList seen = testing::seen_in_fit(RandomCrop(3, 3), x);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].shape(), Shape({2, 3, 3, 2}));
  RandomCrop layer(5, 6, {.seed = 867296606, .name = "c"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"c","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","height":5,"width":6,"seed":867296606})");
  testing::expect_error<ValueError>([] { RandomCrop(0, 3); }, {"`height`", "height=0", "RandomCrop"});
}

}  // namespace
}  // namespace keras::layers
