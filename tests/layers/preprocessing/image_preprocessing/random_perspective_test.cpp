// RandomPerspective: the homography sends the moved corners back to the image's corners,
// a ramp image warps the way the homography says, the top-left corner stays, larger
// scales move more, images warp with the drawn probability; seeds, layouts, inside fit,
// configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/random_perspective.h"

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using testing::max_abs_diff;
using Quad = std::array<std::array<double, 2>, 4>;

std::array<double, 2> apply(const std::vector<double>& t, double x, double y) {
  const double k = t[6] * x + t[7] * y + 1.0;
  return {(t[0] * x + t[1] * y + t[2]) / k, (t[3] * x + t[4] * y + t[5]) / k};
}

TEST(RandomPerspective, TheHomographySendsEndPointsToStartPoints) {
  const Quad start{{{0, 0}, {9, 0}, {0, 7}, {9, 7}}};
  EXPECT_EQ(RandomPerspective::homography(start, start), (std::vector<double>{1, 0, 0, 0, 1, 0, 0, 0}));
  const Quad doubled{{{0, 0}, {18, 0}, {0, 14}, {18, 14}}};
  const std::vector<double> half = RandomPerspective::homography(start, doubled);
  for (size_t i = 0; i < 8; ++i) EXPECT_NEAR(half[i], (std::vector<double>{0.5, 0, 0, 0, 0.5, 0, 0, 0})[i], 1e-12);
  const Quad end{{{0.3, -0.2}, {10.1, 0.9}, {-1.0, 6.2}, {8.4, 8.0}}};
  const std::vector<double> t = RandomPerspective::homography(start, end);
  ASSERT_EQ(t.size(), 8u);
  EXPECT_GT(std::abs(t[6]) + std::abs(t[7]), 1e-4);  // truly projective
  for (size_t i = 0; i < 4; ++i) {
    const auto [x, y] = apply(t, end[i][0], end[i][1]);
    EXPECT_NEAR(x, start[i][0], 1e-9);
    EXPECT_NEAR(y, start[i][1], 1e-9);
  }
  EXPECT_TRUE(RandomPerspective::homography(start, Quad{{{0, 0}, {1, 1}, {2, 2}, {3, 3}}}).empty());
}

TEST(RandomPerspective, WarpsARampAsTheHomographySays) {
  // value = x + 100 y is linear, so bilinear sampling inside the image returns
  // x_in + 100 y_in exactly; points that read outside hold fill_value.
  const int64_t h = 9, w = 11;
  std::vector<float> ramp;
  for (int64_t r = 0; r < h; ++r)
    for (int64_t c = 0; c < w; ++c) ramp.push_back(static_cast<float>(c + 100 * r));
  const Tensor x = Tensor::from_vector(ramp, {1, h, w, 1});
  const Tensor y = RandomPerspective({1.0, 1.0}, {.scale = 0.6, .fill_value = -1.0, .seed = 3})(x, true);
  // The layer's draws, replayed: the probability, the threshold, then the 8 corner moves.
  random::SeedGenerator seeds(3);
  seeds.next();
  seeds.next();
  const std::vector<double> d = random::uniform(Shape{8}, -0.3, 0.3, seeds.next(), Device::cpu()).to_vector<double>();
  const double wm = static_cast<double>(w - 1), hm = static_cast<double>(h - 1);
  const Quad start{{{0, 0}, {wm, 0}, {0, hm}, {wm, hm}}};
  Quad end = start;
  for (size_t i = 0; i < 4; ++i)
    for (size_t j = 0; j < 2; ++j) end[i][j] += start[i][j] * d[2 * i + j];
  const std::vector<double> t = RandomPerspective::homography(start, end);
  EXPECT_EQ(y.at<float>({0, 0, 0, 0}), 0.0f);  // the top-left corner never moves
  EXPECT_GT(max_abs_diff(x, y), 0.5f);
  int inside = 0;
  for (int64_t r = 0; r < h; ++r)
    for (int64_t c = 0; c < w; ++c) {
      const auto [xi, yi] = apply(t, static_cast<double>(c), static_cast<double>(r));
      const float v = y.at<float>({0, r, c, 0});
      if (xi >= 0 && xi <= wm && yi >= 0 && yi <= hm) {
        ++inside;
        EXPECT_NEAR(v, xi + 100 * yi, 2e-2) << r << "," << c;
      } else if (xi < -1 || xi > wm + 1 || yi < -1 || yi > hm + 1) {
        EXPECT_EQ(v, -1.0f) << r << "," << c;
      }
    }
  EXPECT_GT(inside, h * w / 4);
}

TEST(RandomPerspective, LargerScalesMoveMore) {
  const Tensor x = testing::pattern_images({16, 12, 12, 1});
  EXPECT_EQ(max_abs_diff(RandomPerspective({1.0, 1.0}, {.scale = 0.0})(x, true), x), 0.0f);
  const auto moved = [&](double scale) {
    const Tensor y = RandomPerspective({1.0, 1.0}, {.scale = scale, .fill_value = -1.0, .seed = 4})(x, true);
    return ops::mean(ops::cast(ops::equal(y, Tensor::full({}, -1.0)), DType::float32))
        .item<float>();  // the share of fill
  };
  const float small = moved(0.1), large = moved(1.0);
  EXPECT_LT(small, large);
  EXPECT_GT(large, 0.05f);
  // Warped with the drawn probability.
  const Tensor many = testing::pattern_images({200, 4, 4, 1});
  const Tensor y = RandomPerspective({0.5, 0.5}, {.seed = 5})(many, true);
  int n = 0;
  for (int64_t b = 0; b < 200; ++b)
    n += max_abs_diff(ops::slice_rows(many, b, b + 1), ops::slice_rows(y, b, b + 1)) > 0;
  EXPECT_GT(n, 70);
  EXPECT_LT(n, 130);
  EXPECT_EQ(max_abs_diff(RandomPerspective(0.0)(many, true), many), 0.0f);
}

TEST(RandomPerspective, BasicsLayoutsAndFit) {
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomPerspective(1.0, {.seed = s})); },
      testing::pattern_images({4, 8, 8, 3}));
  const Tensor x = testing::pattern_images({3, 6, 7, 2});
  const Tensor last = RandomPerspective({1.0, 1.0}, {.interpolation = "nearest", .seed = 5})(x, true);
  const Tensor first =
      RandomPerspective({1.0, 1.0}, {.interpolation = "nearest", .seed = 5, .data_format = "channels_first"})(
          ops::transpose(x, {0, 3, 1, 2}), true);
  testing::expect_allclose(ops::transpose(first, {0, 2, 3, 1}), last, 0, 0, "channels_first");
  EXPECT_GT(max_abs_diff(last, x), 0.0f);
  const Tensor one = ops::squeeze(ops::slice_rows(x, 0, 1), 0);
  testing::expect_allclose(RandomPerspective({1.0, 1.0}, {.seed = 6})(one, true),
                           ops::squeeze(RandomPerspective({1.0, 1.0}, {.seed = 6})(ops::slice_rows(x, 0, 1), true), 0),
                           0, 0, "unbatched");
  const TensorList seen = testing::seen_in_fit(RandomPerspective({1.0, 1.0}, {.seed = 7}), x);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_GT(max_abs_diff(seen[0], x), 0.0f);
  EXPECT_EQ(seen[0].shape(), x.shape());
  testing::run_layer_test([] { return LayerHandle(RandomPerspective()); }, {2, 5, 5, 2}, {2, 5, 5, 2});
}

TEST(RandomPerspective, ConfigAndErrors) {
  RandomPerspective layer(1.0, {.name = "persp"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"persp","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","factor":[0.0,1.0],"scale":1.0,"interpolation":"bilinear","fill_value":0.0,"seed":null})");
  testing::expect_error<ValueError>([] { RandomPerspective(1.5); }, {"`factor`", "RandomPerspective"});
  testing::expect_error<ValueError>([] { RandomPerspective(1.0, {.scale = 1.5}); }, {"`scale`", "scale=1.5"});
  testing::expect_error<ValueError>([] { RandomPerspective(1.0, {.interpolation = "bicubic"}); },
                                    {"`interpolation`", "bicubic"});
}

}  // namespace
}  // namespace keras::layers
