// MixUp: each image becomes w * itself + (1 - w) * its partner, the partners form a
// permutation of the batch and the weights follow Beta(alpha, alpha); seeds, layouts,
// inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/mix_up.h"

#include <algorithm>

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using testing::max_abs_diff;

/// n one-pixel images whose n channels are one-hot (image i = e_i), so a mix reads off
/// directly: channel i holds w (or 1 when the partner is the image itself).
Tensor one_hot_images(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n * n), 0.0f);
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i * n + i)] = 1.0f;
  return Tensor::from_vector(v, {n, 1, 1, n});
}

struct Mix {
  std::vector<double> weights;   // w_i: what image i keeps of itself
  std::vector<int64_t> partner;  // the other image mixed in, where one shows
};

Mix read_mix(const Tensor& y, int64_t n) {
  Mix m;
  for (int64_t i = 0; i < n; ++i) {
    int64_t partner = i;
    double total = 0;
    for (int64_t k = 0; k < n; ++k) {
      const double v = y.at<float>({i, 0, 0, k});
      EXPECT_GE(v, -1e-6);
      total += v;
      if (k != i && v > 0) {
        EXPECT_EQ(partner, i) << "image " << i << " mixes with two images";
        partner = k;
      }
    }
    EXPECT_NEAR(total, 1.0, 1e-5) << "weights of image " << i << " add up to 1";
    if (partner != i) m.partner.push_back(partner);
    // A weight within float rounding of 1 hides the partner; w_i is still y_i[i].
    m.weights.push_back(y.at<float>({i, 0, 0, i}));
  }
  return m;
}

TEST(MixUp, MixesEachImageWithAPartnerByBetaWeights) {
  const int64_t n = 300;
  const Tensor x = one_hot_images(n);
  for (double alpha : {0.2, 5.0}) {
    const Mix m = read_mix(MixUp(alpha, {.seed = 1})(x, true), n);
    std::vector<int64_t> sorted = m.partner;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end()) << "partners come from a permutation";
    EXPECT_GT(m.partner.size(), alpha < 1 ? 200u : 290u);
    double mean = 0, var = 0, extreme = 0;
    for (double w : m.weights) mean += w, extreme += w < 0.1 || w > 0.9;
    mean /= static_cast<double>(n);
    for (double w : m.weights) var += (w - mean) * (w - mean);
    var /= static_cast<double>(n);
    extreme /= static_cast<double>(n);
    // Beta(a, a): mean 1/2, variance 1 / (4 (2a + 1)).
    EXPECT_NEAR(mean, 0.5, 0.06) << alpha;
    EXPECT_NEAR(var, 1.0 / (4.0 * (2.0 * alpha + 1.0)), alpha < 1 ? 0.03 : 0.008) << alpha;
    if (alpha < 1) EXPECT_GT(extreme, 0.5);
    else EXPECT_LT(extreme, 0.05);
  }
}

TEST(MixUp, BasicsLayoutsAndFit) {
  testing::check_augmentation_basics([](std::optional<uint64_t> s) { return LayerHandle(MixUp(0.2, {.seed = s})); },
                                     testing::pattern_images({6, 5, 5, 3}));
  const Tensor x = testing::pattern_images({5, 6, 7, 2});
  const Tensor last = MixUp(0.5, {.seed = 5})(x, true);
  const Tensor first = MixUp(0.5, {.data_format = "channels_first", .seed = 5})(ops::transpose(x, {0, 3, 1, 2}), true);
  testing::expect_allclose(ops::transpose(first, {0, 2, 3, 1}), last, 1e-5, 1e-6, "channels_first");
  EXPECT_GT(max_abs_diff(last, x), 0.0f);
  // The batch's mean is kept: sum_i w_i x_i + (1 - w_i) x_p(i) is not, but every pixel
  // stays within the batch's range at that position.
  EXPECT_LE(ops::max(last).item<float>(), ops::max(x).item<float>());
  const Tensor one = ops::squeeze(ops::slice_rows(x, 0, 1), 0);
  testing::expect_allclose(MixUp()(one, true), one, 1e-5, 1e-6, "unbatched: mixes with itself");
  const TensorList seen = testing::seen_in_fit(MixUp(0.2, {.seed = 2}), one_hot_images(8));
  ASSERT_EQ(seen.size(), 1u);
  read_mix(seen[0], 8);
  EXPECT_GT(max_abs_diff(seen[0], one_hot_images(8)), 0.0f);
  testing::run_layer_test([] { return LayerHandle(MixUp()); }, {2, 4, 4, 2}, {2, 4, 4, 2});
}

TEST(MixUp, ConfigAndErrors) {
  MixUp layer(0.2, {.name = "mix"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"mix","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","alpha":0.2,"seed":null})");
  const auto copy = saving::deserialize_layer(saving::serialize_layer(MixUp(0.7, {.seed = 3})));
  EXPECT_EQ(saving::get_config(*copy)["alpha"].get<double>(), 0.7);
  testing::expect_error<ValueError>([] { MixUp(0.0); }, {"`alpha`", "alpha=0", "MixUp"});
  testing::expect_error<ValueError>([] { MixUp(-1.0); }, {"`alpha`"});
  testing::expect_error<ValueError>([] { MixUp(0.2, {.data_format = "nhwc"}); }, {"data_format"});
}

}  // namespace
}  // namespace keras::layers
