// RandomElasticTransform: a ramp image reads off the displacement field, which is smooth
// and grows with scale; constant images stay constant; images warp with the drawn
// probability and are clipped to value_range; seeds, layouts, inside fit, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/random_elastic_transform.h"

#include <cmath>

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using testing::max_abs_diff;

/// value = column index, so with bilinear sampling inside the image the output minus the
/// column is the x displacement.
Tensor column_ramp(int64_t batch, int64_t size) {
  std::vector<float> v;
  for (int64_t i = 0; i < batch * size * size; ++i) v.push_back(static_cast<float>(i % size));
  return Tensor::from_vector(v, {batch, size, size, 1});
}

struct Field {
  double rms = 0;   // of the displacement
  double step = 0;  // mean |change| between neighbouring columns
};

Field x_displacement(double scale) {
  const int64_t n = 64;
  const Tensor x = column_ramp(2, n);
  const Tensor y =
      RandomElasticTransform({1.0, 1.0}, {.scale = {scale, scale}, .fill_mode = "nearest", .seed = 1})(x, true);
  Field f;
  int count = 0;
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t r = 12; r < n - 12; ++r)
      for (int64_t c = 12; c < n - 13; ++c) {
        const double d0 = y.at<float>({b, r, c, 0}) - static_cast<float>(c);
        const double d1 = y.at<float>({b, r, c + 1, 0}) - static_cast<float>(c + 1);
        f.rms += d0 * d0, f.step += std::abs(d1 - d0), ++count;
      }
  f.rms = std::sqrt(f.rms / count), f.step /= count;
  return f;
}

TEST(RandomElasticTransform, TheDisplacementIsSmoothAndGrowsWithScale) {
  // scale 1 on 64 x 64: sigma 3.2, alpha 6.4, so the blurred noise moves pixels by
  // about alpha * sigma / (2 sigma sqrt(pi)) = 1.8 pixels; scale 0.3: about 0.5.
  const Field large = x_displacement(1.0), small = x_displacement(0.3);
  EXPECT_GT(large.rms, 0.8);
  EXPECT_LT(large.rms, 4.0);
  EXPECT_GT(small.rms, 0.1);
  EXPECT_LT(small.rms, large.rms);
  EXPECT_LT(large.step, 0.5 * large.rms) << "smooth: neighbours move alike";
}

TEST(RandomElasticTransform, ConstantImagesProbabilityAndClipping) {
  const Tensor flat = Tensor::full({2, 12, 12, 3}, 40.0f);
  for (const std::string mode : {"reflect", "wrap", "nearest", "mirror"})
    testing::expect_allclose(RandomElasticTransform({1.0, 1.0}, {.fill_mode = mode, .seed = 2})(flat, true), flat, 1e-4,
                             1e-5, mode);
  const Tensor filled =
      RandomElasticTransform({1.0, 1.0}, {.fill_mode = "constant", .fill_value = 100.0, .seed = 2})(flat, true);
  EXPECT_GT(ops::max(filled).item<float>(), 40.0f);  // some points read beyond the edge
  // scale 0 or factor 0: nothing happens at all, not even the clip.
  const Tensor x = testing::pattern_images({200, 6, 6, 1});
  EXPECT_EQ(max_abs_diff(RandomElasticTransform({1.0, 1.0}, {.scale = 0.0})(x, true), x), 0.0f);
  EXPECT_EQ(max_abs_diff(RandomElasticTransform(0.0)(ops::multiply(x, Tensor::scalar(2.0)), true),
                         ops::multiply(x, Tensor::scalar(2.0))),
            0.0f);
  const Tensor y = RandomElasticTransform({0.5, 0.5}, {.scale = {1.0, 1.0}, .seed = 3})(x, true);
  int n = 0;
  for (int64_t b = 0; b < 200; ++b) n += max_abs_diff(ops::slice_rows(x, b, b + 1), ops::slice_rows(y, b, b + 1)) > 0;
  EXPECT_GT(n, 70);
  EXPECT_LT(n, 130);
  const Tensor clipped = RandomElasticTransform({1.0, 1.0}, {.value_range = {10.0, 50.0}, .seed = 4})(x, true);
  EXPECT_GE(ops::min(clipped).item<float>(), 10.0f);
  EXPECT_LE(ops::max(clipped).item<float>(), 50.0f);
}

TEST(RandomElasticTransform, BasicsLayoutsAndFit) {
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomElasticTransform(1.0, {.seed = s})); },
      testing::pattern_images({4, 16, 16, 3}));
  const Tensor x = testing::pattern_images({3, 10, 9, 2});
  const Tensor last = RandomElasticTransform({1.0, 1.0}, {.scale = {1.0, 1.0}, .seed = 5})(x, true);
  const Tensor first =
      RandomElasticTransform({1.0, 1.0}, {.scale = {1.0, 1.0}, .seed = 5, .data_format = "channels_first"})(
          ops::transpose(x, {0, 3, 1, 2}), true);
  testing::expect_allclose(ops::transpose(first, {0, 2, 3, 1}), last, 0, 0, "channels_first");
  EXPECT_GT(max_abs_diff(last, x), 0.0f);
  const Tensor one = ops::squeeze(ops::slice_rows(x, 0, 1), 0);
  testing::expect_allclose(
      RandomElasticTransform({1.0, 1.0}, {.seed = 6})(one, true),
      ops::squeeze(RandomElasticTransform({1.0, 1.0}, {.seed = 6})(ops::slice_rows(x, 0, 1), true), 0), 0, 0,
      "unbatched");
  const TensorList seen = testing::seen_in_fit(RandomElasticTransform({1.0, 1.0}, {.scale = {1.0, 1.0}}), x);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_GT(max_abs_diff(seen[0], x), 0.0f);
  testing::run_layer_test([] { return LayerHandle(RandomElasticTransform()); }, {2, 5, 5, 2}, {2, 5, 5, 2});
}

TEST(RandomElasticTransform, ConfigAndErrors) {
  RandomElasticTransform layer(1.0, {.name = "el"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"el","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","factor":[0.0,1.0],"scale":[0.0,1.0],"interpolation":"bilinear","fill_mode":"reflect","fill_value":0.0,"value_range":[0.0,255.0],"seed":null})");
  testing::expect_error<ValueError>([] { RandomElasticTransform(1.5); }, {"`factor`", "RandomElasticTransform"});
  testing::expect_error<ValueError>([] { RandomElasticTransform(1.0, {.scale = 2.0}); }, {"`scale`", "scale=2"});
  testing::expect_error<ValueError>([] { RandomElasticTransform(1.0, {.interpolation = "bicubic"}); },
                                    {"`interpolation`", "bicubic"});
  testing::expect_error<ValueError>([] { RandomElasticTransform(1.0, {.fill_mode = "edge"}); },
                                    {"`fill_mode`", "edge"});
  testing::expect_error<ValueError>([] { RandomElasticTransform(1.0, {.value_range = {1.0}}); }, {"`value_range`"});
}

}  // namespace
}  // namespace keras::layers
