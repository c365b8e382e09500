// AugMix: with factor 0 the geometric layers are identities and the others fixed
// functions, so an output can be taken apart: one chain of one step gives
// m x + (1 - m) op(x) with op picked uniformly among seven layers and "none", and
// m ~ Beta(alpha, alpha) (mean 1/2, variance 1/(4 (2 alpha + 1))); three chains with a
// large alpha mix three ops with weights 1/3; chains of depth 0 give the images back;
// seeds, layouts, inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/aug_mix.h"

#include <map>

#include "keras/layers/preprocessing/image_preprocessing/equalization.h"
#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using testing::max_abs_diff;

/// What the seven layers of all_ops=false do to x at factor 0, besides the identity.
std::vector<std::pair<std::string, Tensor>> factor_zero_ops(const Tensor& x) {
  return {{"posterization", RandomPosterization(1)(x, true)},
          {"solarization", Solarization()(x, true)},
          {"auto_contrast", AutoContrast()(x, true)},
          {"equalization", Equalization()(x, true)}};
}

TEST(AugMix, OneChainBlendsOneOpWithABetaWeight) {
  const Tensor x = testing::pattern_images({2, 6, 6, 3});
  const std::vector<float> xv = x.to_vector<float>();
  const auto ops_of_x = factor_zero_ops(x);
  for (const double alpha : {1.0, 50.0}) {
    SCOPED_TRACE(alpha);
    AugMix layer({.num_chains = 1, .chain_depth = 1, .factor = 0.0, .alpha = alpha, .all_ops = false, .seed = 4});
    std::map<std::string, int> counts;
    std::vector<double> blends;
    const int calls = 240;
    for (int i = 0; i < calls; ++i) {
      const Tensor y = layer(x, true);
      if (max_abs_diff(y, x) < 1e-3f) {
        ++counts["identity"];
        continue;
      }
      // y = m x + (1 - m) c: m by least squares for each candidate c, the best fit wins.
      const std::vector<float> yv = y.to_vector<float>();
      double best = 1e9, best_m = 0;
      std::string best_name;
      for (const auto& [name, c] : ops_of_x) {
        const std::vector<float> cv = c.to_vector<float>();
        double num = 0, den = 0, worst = 0;
        for (size_t k = 0; k < xv.size(); ++k) {
          num += (yv[k] - cv[k]) * (xv[k] - cv[k]);
          den += (xv[k] - cv[k]) * (xv[k] - cv[k]);
        }
        const double m = num / den;
        for (size_t k = 0; k < xv.size(); ++k) worst = std::max(worst, std::abs(m * xv[k] + (1 - m) * cv[k] - yv[k]));
        if (worst < best) best = worst, best_m = m, best_name = name;
      }
      EXPECT_LT(best, 1e-2) << "call " << i << ": no op blended with the images gives the output";
      EXPECT_GE(best_m, -1e-6);
      EXPECT_LE(best_m, 1 + 1e-6);
      ++counts[best_name];
      blends.push_back(best_m);
    }
    // Picks: 4 of 8 (shear, translation, rotation, none) leave x (sd ~7.7); others 1 of 8 (sd ~5.1).
    EXPECT_NEAR(counts["identity"], calls / 2, 25);
    for (const auto& [name, c] : ops_of_x) EXPECT_NEAR(counts[name], calls / 8, 16) << name;
    double mean = 0, var = 0;
    for (double m : blends) mean += m / static_cast<double>(blends.size());
    for (double m : blends) var += (m - mean) * (m - mean) / static_cast<double>(blends.size() - 1);
    EXPECT_NEAR(mean, 0.5, alpha == 1.0 ? 0.08 : 0.02);
    EXPECT_NEAR(var, 1.0 / (4.0 * (2.0 * alpha + 1.0)), alpha == 1.0 ? 0.025 : 0.002);
  }
}

TEST(AugMix, ThreeChainsMixWithDirichletWeights) {
  // alpha = 1e5: the weights are 1/3 and the blend 1/2 within ~0.002, so
  // y = x / 2 + (c1 + c2 + c3) / 6 for three ops (identities included) picked per chain.
  const Tensor x = testing::pattern_images({1, 5, 5, 3});
  auto candidates = factor_zero_ops(x);
  candidates.emplace_back("identity", x);
  AugMix layer({.num_chains = 3, .chain_depth = 1, .factor = 0.0, .alpha = 1e5, .all_ops = false, .seed = 8});
  for (int call = 0; call < 30; ++call) {
    const Tensor y = layer(x, true);
    double best = 1e9;
    for (size_t a = 0; a < candidates.size(); ++a)
      for (size_t b = a; b < candidates.size(); ++b)
        for (size_t c = b; c < candidates.size(); ++c) {
          const Tensor sum = ops::add(ops::add(candidates[a].second, candidates[b].second), candidates[c].second);
          const Tensor mix = ops::add(ops::multiply(x, Tensor::scalar(0.5f)), ops::divide(sum, Tensor::scalar(6.0f)));
          best = std::min(best, static_cast<double>(max_abs_diff(y, mix)));
        }
    EXPECT_LT(best, 3.0) << "call " << call;
  }
}

TEST(AugMix, ChainsOfDepthZeroGiveTheImagesBack) {
  const Tensor x = testing::pattern_images({3, 6, 6, 3});
  testing::expect_allclose(AugMix({.chain_depth = 0, .seed = 1})(x, true), x, 1e-3, 0, "depth 0");
  // Default strength: inside the value range, and the images change.
  AugMix layer({.seed = 2});
  for (int i = 0; i < 10; ++i) {
    const Tensor y = layer(x, true);
    EXPECT_GE(ops::min(y).item<float>(), 0.0f);
    EXPECT_LE(ops::max(y).item<float>(), 255.0f);
  }
  const Tensor unit = ops::divide(x, Tensor::scalar(255.0f));
  const Tensor y = AugMix({.value_range = FloatOrList{0.0, 1.0}, .seed = 3})(unit, true);
  EXPECT_GE(ops::min(y).item<float>(), 0.0f);
  EXPECT_LE(ops::max(y).item<float>(), 1.0f);
}

TEST(AugMix, BasicsLayoutsAndFit) {
  testing::check_augmentation_basics([](std::optional<uint64_t> s) { return LayerHandle(AugMix({.seed = s})); },
                                     testing::pattern_images({4, 6, 6, 3}));
  const Tensor x = testing::pattern_images({3, 5, 7, 3});
  const Tensor cf = AugMix({.seed = 9, .data_format = "channels_first"})(ops::transpose(x, {0, 3, 1, 2}), true);
  testing::expect_allclose(ops::transpose(cf, {0, 2, 3, 1}), AugMix({.seed = 9})(x, true), 1e-4, 0, "channels_first");
  const Tensor one = ops::slice_rows(x, 0, 1);
  testing::expect_allclose(AugMix({.seed = 9})(ops::squeeze(one, 0), true),
                           ops::squeeze(AugMix({.seed = 9})(one, true), 0), 0, 0, "unbatched");
  const TensorList seen = testing::seen_in_fit(AugMix({.chain_depth = 0}), x);
  ASSERT_EQ(seen.size(), 1u);
  testing::expect_allclose(seen[0], x, 1e-3, 0, "in fit");
  testing::run_layer_test([] { return LayerHandle(AugMix()); }, {2, 4, 4, 3}, {2, 4, 4, 3});
}

TEST(AugMix, ConfigAndErrors) {
  AugMix layer({.name = "am"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"am","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","value_range":[0.0,255.0],"num_chains":3,"chain_depth":3,"factor":[0.0,0.3],"alpha":1.0,"all_ops":true,"interpolation":"bilinear","seed":null})");
  EXPECT_EQ(AugMix::augment_layer_names(true).size(), 11u);
  EXPECT_EQ(AugMix::augment_layer_names(false).size(), 7u);
  testing::expect_error<ValueError>([] { AugMix({.factor = 2.0}); }, {"`factor`", "factor=2", "AugMix"});
  testing::expect_error<ValueError>([] { AugMix({.num_chains = 0}); }, {"`num_chains`", "num_chains=0"});
  testing::expect_error<ValueError>([] { AugMix({.chain_depth = -1}); }, {"`chain_depth`", "chain_depth=-1"});
  testing::expect_error<ValueError>([] { AugMix({.alpha = 0.0}); }, {"`alpha`", "alpha=0"});
  testing::expect_error<ValueError>([] { AugMix({.interpolation = "area"}); }, {"`interpolation`", "area"});
  testing::expect_error<ValueError>([] { AugMix({.value_range = FloatOrList{1.0}}); }, {"`value_range`"});
}

}  // namespace
}  // namespace keras::layers
