// RandAugment: at factor 0 six of Keras's eleven layers are the identity and five
// (1-bit posterization, solarization at threshold 0, full blur of RandomSharpness,
// AutoContrast, Equalization) are fixed functions, so every output can be named: each
// op is picked uniformly from the eleven, once per batch, num_ops times; in range at the
// default strength; seeds, layouts, inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/rand_augment.h"

#include <map>

#include "keras/layers/preprocessing/image_preprocessing/equalization.h"
#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using testing::max_abs_diff;

/// What each of the eleven layers does to x at factor 0 (value range (0, 255)).
std::vector<std::pair<std::string, Tensor>> factor_zero_results(const Tensor& x) {
  return {{"identity", x},
          {"posterization", RandomPosterization(1)(x, true)},
          {"solarization", Solarization()(x, true)},
          {"sharpness", RandomSharpness(FloatOrList{0.0, 0.0})(x, true)},
          {"auto_contrast", AutoContrast()(x, true)},
          {"equalization", Equalization()(x, true)}};
}

/// The name of the one result `y` equals (the whole batch), or "" when none or several do.
std::string which(const Tensor& y, const std::vector<std::pair<std::string, Tensor>>& results) {
  std::string found;
  for (const auto& [name, r] : results)
    if (max_abs_diff(y, r) < 1e-3f) {
      if (!found.empty()) return "";
      found = name;
    }
  return found;
}

TEST(RandAugment, EachOpIsOneOfElevenLayersPickedUniformlyPerBatch) {
  const Tensor x = testing::pattern_images({3, 6, 6, 3});
  const auto results = factor_zero_results(x);
  for (size_t i = 0; i < results.size(); ++i)
    for (size_t j = i + 1; j < results.size(); ++j)
      ASSERT_GT(max_abs_diff(results[i].second, results[j].second), 1.0f) << results[i].first << results[j].first;
  RandAugment layer({.num_ops = 1, .factor = 0.0, .seed = 21});
  std::map<std::string, int> counts;
  const int calls = 330;
  for (int i = 0; i < calls; ++i) ++counts[which(layer(x, true), results)];
  EXPECT_EQ(counts[""], 0) << "an output that is no single layer's (or differs between images of the batch)";
  // Identity: 6 of 11 (sd ~9); each other: 1 of 11 (sd ~5.2).
  EXPECT_NEAR(counts["identity"], calls * 6 / 11, 30);
  for (const char* op : {"posterization", "solarization", "sharpness", "auto_contrast", "equalization"})
    EXPECT_NEAR(counts[op], calls / 11, 16) << op;
}

TEST(RandAugment, NumOpsAppliesThatManyOps) {
  const Tensor x = testing::pattern_images({2, 6, 6, 3});
  const auto results = factor_zero_results(x);
  testing::expect_allclose(RandAugment({.num_ops = 0, .seed = 1})(x, true), x, 0, 0, "num_ops=0");
  // Two ops: both are identities with probability (6/11)^2 ~ 0.30 (sd of the count ~6.5).
  RandAugment layer({.num_ops = 2, .factor = 0.0, .seed = 5});
  int identity = 0;
  const int calls = 200;
  bool composed = false;
  for (int i = 0; i < calls; ++i) {
    const Tensor y = layer(x, true);
    identity += max_abs_diff(y, x) < 1e-3f;
    composed |= which(y, results).empty();  // e.g. solarization then equalization
  }
  EXPECT_NEAR(identity, 0.2975 * calls, 20);
  EXPECT_TRUE(composed);
}

TEST(RandAugment, ALayerPickedTwiceRepeatsItsTransformation) {
  // Keras draws each layer's transformation once per call. At factor (0.25, 0.25) the
  // shear is s = +-0.25 on both axes (sign per image): twice with one sign it is
  // [[1 + s^2, 2 s], [2 s, 1 + s^2]], so the centre (8, 8) of x / y ramps reads 12.5 or
  // 4.5 in both; with two different signs it would read 8 (1 - s^2) = 7.5.
  std::vector<float> v;
  for (int64_t b = 0; b < 16; ++b)
    for (int64_t y = 0; y < 17; ++y)
      for (int64_t x = 0; x < 17; ++x) v.insert(v.end(), {static_cast<float>(x), static_cast<float>(y), 8.0f});
  const Tensor ramps = Tensor::from_vector(v, {16, 17, 17, 3});
  RandAugment layer({.num_ops = 2, .factor = FloatOrList{0.25, 0.25}, .seed = 12});
  int same = 0, mixed = 0;
  for (int call = 0; call < 800; ++call) {  // two shears in ~1 of 121 calls
    const Tensor y = layer(ramps, true);
    for (int64_t b = 0; b < 16; ++b) {
      const float c0 = y.at<float>({b, 8, 8, 0}), c1 = y.at<float>({b, 8, 8, 1});
      if (std::abs(c0 - c1) > 1e-3f) continue;
      same += std::abs(c0 - 12.5f) < 1e-3f || std::abs(c0 - 4.5f) < 1e-3f;
      mixed += std::abs(c0 - 7.5f) < 1e-3f;
    }
  }
  EXPECT_GT(same, 0);
  EXPECT_EQ(mixed, 0);
}

TEST(RandAugment, DefaultStrengthStaysInTheValueRange) {
  const Tensor x = testing::pattern_images({4, 8, 8, 3});
  RandAugment layer({.num_ops = 3, .seed = 2});
  int changed = 0;
  for (int i = 0; i < 20; ++i) {
    const Tensor y = layer(x, true);
    EXPECT_GE(ops::min(y).item<float>(), -1e-3f);
    EXPECT_LE(ops::max(y).item<float>(), 255.0f + 1e-3f);
    changed += max_abs_diff(y, x) > 1.0f;
  }
  EXPECT_GE(changed, 15);
  const Tensor unit = ops::divide(x, Tensor::scalar(255.0f));
  RandAugment unit_layer({.value_range = FloatOrList{0.0, 1.0}, .seed = 3});
  for (int i = 0; i < 20; ++i) {
    const Tensor y = unit_layer(unit, true);
    EXPECT_GE(ops::min(y).item<float>(), -1e-5f);
    EXPECT_LE(ops::max(y).item<float>(), 1.0f + 1e-5f);
  }
}

TEST(RandAugment, BasicsLayoutsAndFit) {
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandAugment({.num_ops = 3, .seed = s})); },
      testing::pattern_images({4, 6, 6, 3}));
  const Tensor x = testing::pattern_images({3, 5, 7, 3});
  const Tensor cf =
      RandAugment({.num_ops = 4, .seed = 9, .data_format = "channels_first"})(ops::transpose(x, {0, 3, 1, 2}), true);
  testing::expect_allclose(ops::transpose(cf, {0, 2, 3, 1}), RandAugment({.num_ops = 4, .seed = 9})(x, true), 1e-4, 0,
                           "channels_first");
  const Tensor one = ops::slice_rows(x, 0, 1);
  testing::expect_allclose(RandAugment({.num_ops = 4, .seed = 9})(ops::squeeze(one, 0), true),
                           ops::squeeze(RandAugment({.num_ops = 4, .seed = 9})(one, true), 0), 0, 0, "unbatched");
  const TensorList seen = testing::seen_in_fit(RandAugment({.num_ops = 1, .factor = 0.0}), x);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_NE(which(seen[0], factor_zero_results(x)), "") << "in fit";
  testing::run_layer_test([] { return LayerHandle(RandAugment()); }, {2, 4, 4, 3}, {2, 4, 4, 3});
}

TEST(RandAugment, ConfigAndErrors) {
  RandAugment layer({.name = "ra"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"ra","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","value_range":[0.0,255.0],"num_ops":2,"factor":[0.0,0.5],"interpolation":"bilinear","seed":null})");
  EXPECT_EQ(RandAugment::augment_layer_names().size(), 11u);
  testing::expect_error<ValueError>([] { RandAugment({.factor = 1.5}); }, {"`factor`", "factor=1.5", "RandAugment"});
  testing::expect_error<ValueError>([] { RandAugment({.num_ops = -1}); }, {"`num_ops`", "num_ops=-1"});
  testing::expect_error<ValueError>([] { RandAugment({.interpolation = "bicubic"}); }, {"`interpolation`", "bicubic"});
  testing::expect_error<ValueError>([] { RandAugment({.value_range = FloatOrList{5.0, 5.0}}); }, {"`value_range`"});
  testing::expect_error<ValueError>([] { RandAugment({.data_format = "nhwc"}); }, {"nhwc"});
}

}  // namespace
}  // namespace keras::layers
