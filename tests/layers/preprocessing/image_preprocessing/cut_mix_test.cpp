// CutMix: each image gets one rectangle from one partner image, the partners form a
// permutation, the rectangles cover half the image on average (Beta weights); an
// unbatched image is unchanged; seeds, layouts, inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/cut_mix.h"

#include <algorithm>

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using testing::max_abs_diff;

/// Image i is filled with i + 1.
Tensor numbered_images(int64_t n, int64_t h, int64_t w, int64_t c) {
  std::vector<float> v;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < h * w * c; ++k) v.push_back(static_cast<float>(i + 1));
  return Tensor::from_vector(v, {n, h, w, c});
}

/// Per image: the fraction of pixels taken from another image, after checking they come
/// from one partner, in one rectangle, in every channel alike.
std::vector<double> pasted(const Tensor& y, std::vector<int64_t>* partners = nullptr) {
  std::vector<double> out;
  for (int64_t b = 0; b < y.dim(0); ++b) {
    float partner = 0;
    int64_t count = 0, r0 = y.dim(1), r1 = -1, c0 = y.dim(2), c1 = -1;
    for (int64_t r = 0; r < y.dim(1); ++r)
      for (int64_t c = 0; c < y.dim(2); ++c) {
        const float v = y.at<float>({b, r, c, 0});
        for (int64_t k = 1; k < y.dim(3); ++k) EXPECT_EQ(y.at<float>({b, r, c, k}), v);
        if (v == static_cast<float>(b + 1)) continue;
        if (partner == 0) partner = v;
        EXPECT_EQ(v, partner) << "image " << b << " takes from two images";
        ++count;
        r0 = std::min(r0, r), r1 = std::max(r1, r), c0 = std::min(c0, c), c1 = std::max(c1, c);
      }
    if (count > 0) {
      EXPECT_EQ(count, (r1 - r0 + 1) * (c1 - c0 + 1)) << "image " << b << ": not a rectangle";
    }
    if (partners && partner > 0) partners->push_back(static_cast<int64_t>(partner) - 1);
    out.push_back(static_cast<double>(count) / static_cast<double>(y.dim(1) * y.dim(2)));
  }
  return out;
}

TEST(CutMix, PastesOneRectangleFromAPartner) {
  const Tensor x = numbered_images(200, 16, 16, 2);
  std::vector<int64_t> partners;
  const std::vector<double> f = pasted(CutMix({1.0, 1.0}, {.seed = 1})(x, true), &partners);
  std::sort(partners.begin(), partners.end());
  EXPECT_EQ(std::adjacent_find(partners.begin(), partners.end()), partners.end()) << "each image gives once";
  // alpha = 1: w uniform, the side ratio sqrt(1 - w), so the area 1 - w averages 1/2.
  double mean = 0;
  for (double v : f) mean += v;
  mean /= static_cast<double>(f.size());
  EXPECT_NEAR(mean, 0.5, 0.08);
  // factor 0: alpha ~ 1e-6, so w is 0 or 1: nothing or the whole image is replaced.
  int whole = 0;
  for (double v : pasted(CutMix(0.0, {.seed = 2})(x, true))) {
    EXPECT_TRUE(v == 0.0 || v == 1.0) << v;
    whole += v == 1.0;
  }
  EXPECT_GT(whole, 60);
  EXPECT_LT(whole, 140);
}

TEST(CutMix, BasicsLayoutsAndFit) {
  testing::check_augmentation_basics([](std::optional<uint64_t> s) { return LayerHandle(CutMix(1.0, {.seed = s})); },
                                     testing::pattern_images({6, 8, 8, 3}));
  const Tensor x = testing::pattern_images({5, 6, 7, 2});
  const Tensor last = CutMix({1.0, 1.0}, {.seed = 5})(x, true);
  const Tensor first =
      CutMix({1.0, 1.0}, {.seed = 5, .data_format = "channels_first"})(ops::transpose(x, {0, 3, 1, 2}), true);
  testing::expect_allclose(ops::transpose(first, {0, 2, 3, 1}), last, 0, 0, "channels_first");
  EXPECT_GT(max_abs_diff(last, x), 0.0f);
  const Tensor one = ops::squeeze(ops::slice_rows(x, 0, 1), 0);
  testing::expect_allclose(CutMix()(one, true), one, 0, 0, "unbatched");
  testing::expect_allclose(CutMix()(ops::slice_rows(x, 0, 1), true), ops::slice_rows(x, 0, 1), 0, 0, "batch of one");
  const Tensor numbered = numbered_images(8, 6, 6, 3);
  const TensorList seen = testing::seen_in_fit(CutMix({1.0, 1.0}, {.seed = 3}), numbered);
  ASSERT_EQ(seen.size(), 1u);
  pasted(seen[0]);
  EXPECT_GT(max_abs_diff(seen[0], numbered), 0.0f);
  testing::run_layer_test([] { return LayerHandle(CutMix()); }, {2, 4, 4, 2}, {2, 4, 4, 2});
}

TEST(CutMix, ConfigAndErrors) {
  CutMix layer(1.0, {.name = "cut"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"cut","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","factor":[0.0,1.0],"seed":null})");
  testing::expect_error<ValueError>([] { CutMix(1.5); }, {"`factor`", "[0, 1]", "CutMix"});
  testing::expect_error<ValueError>([] { CutMix({2.0, 3.0}); }, {"factor=(2, 3)"});
}

}  // namespace
}  // namespace keras::layers
