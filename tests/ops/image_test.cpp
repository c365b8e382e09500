// ops::repeat, ops::image::resize, affine_transform and the colour conversions: values by
// hand, Keras's edge rules, gradients, errors.
#include "keras/ops/image.h"

#include <numeric>

#include "ops/image_internal.h"
#include "test_utils.h"

namespace keras {
namespace {

using testing::check_gradients;
using testing::expect_error;

Tensor leaf(const Shape& s, uint64_t seed) {
  Tensor t = testing::random_tensor(s, seed);
  t.set_requires_grad(true);
  return t;
}

void expect_weights(const std::vector<double>& got, const std::vector<double>& expected) {
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], 1e-12) << "weight " << i;
}

TEST(Repeat, RepeatsAlongAnAxis) {
  const Tensor x = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(ops::repeat(x, 2, 0).to_vector<float>(), (std::vector<float>{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}));
  EXPECT_EQ(ops::repeat(x, 2, -1).to_vector<float>(), (std::vector<float>{1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6}));
  EXPECT_EQ(ops::repeat(x, 3, 1).shape(), Shape({2, 9}));
  EXPECT_EQ(ops::repeat(x, 1, 1).to_vector<float>(), x.to_vector<float>());
  EXPECT_EQ(ops::repeat(x, 0, 1).shape(), Shape({2, 0}));
  const Tensor ints = Tensor::from_vector<int32_t>({7, 8}, {2});
  EXPECT_EQ(ops::repeat(ints, 2, 0).dtype(), DType::int32);
  EXPECT_EQ(ops::repeat(ints, 2, 0).to_vector<int32_t>(), (std::vector<int32_t>{7, 7, 8, 8}));
  expect_error<ValueError>([&] { ops::repeat(x, -1, 0); }, {"repeat", "repeats", "-1", "(2, 3)"});
  expect_error<ValueError>([&] { ops::repeat(x, 2, 2); }, {"repeat axis"});
}

TEST(Repeat, Gradients) {
  check_gradients([](const TensorList& x) { return ops::repeat(x[0], 3, 1); }, {leaf({2, 3, 2}, 1)});
  check_gradients([](const TensorList& x) { return ops::repeat(ops::repeat(x[0], 2, 0), 2, -1); }, {leaf({3, 2}, 2)});
}

TEST(Resize, WeightsFollowKerasFormula) {
  using ops::image::resize_weights;
  // Upsampling 2 -> 4, samples at -0.25, 0.25, 0.75, 1.25.
  expect_weights(resize_weights(2, 4, "bilinear"), {1, 0, 0.75, 0.25, 0.25, 0.75, 0, 1});
  const double c0 = 0.8671875, c1 = 0.0703125, c2 = 0.2265625;  // Keys cubic at 0.25, 1.25, 0.75
  expect_weights(resize_weights(2, 4, "bicubic"), {c0 / (c0 - c1), -c1 / (c0 - c1), c0 / (c0 + c2), c2 / (c0 + c2),
                                                   c2 / (c0 + c2), c0 / (c0 + c2), -c1 / (c0 - c1), c0 / (c0 - c1)});
  expect_weights(resize_weights(2, 4, "nearest"), {1, 0, 1, 0, 0, 1, 0, 1});
  expect_weights(resize_weights(2, 4, "area"), {1, 0, 1, 0, 0, 1, 0, 1});
  // Downsampling 4 -> 2 samples at 0.5 and 2.5; antialias widens the triangle to 2.
  expect_weights(resize_weights(4, 2, "bilinear"), {0.5, 0.5, 0, 0, 0, 0, 0.5, 0.5});
  expect_weights(resize_weights(4, 2, "bilinear", true), {3. / 7, 3. / 7, 1. / 7, 0, 0, 1. / 7, 3. / 7, 3. / 7});
  // Area 3 -> 2: boxes [0, 1.5) and [1.5, 3).
  expect_weights(resize_weights(3, 2, "area"), {2. / 3, 1. / 3, 0, 0, 1. / 3, 2. / 3});
  // Nearest 3 -> 2: floor(0.75) = 0, floor(2.25) = 2.
  expect_weights(resize_weights(3, 2, "nearest"), {1, 0, 0, 0, 0, 1});
  // Same size: the kernels are 1 at 0 and 0 at the other integers.
  expect_weights(resize_weights(3, 3, "bicubic"), {1, 0, 0, 0, 1, 0, 0, 0, 1});
  // Every row sums to 1.
  for (const char* m : ops::image::kResizeInterpolations)
    for (auto [in, out] : {std::pair<int64_t, int64_t>{3, 7}, {5, 15}, {7, 3}, {1, 4}}) {
      const auto w = resize_weights(in, out, m);
      for (int64_t j = 0; j < out; ++j)
        EXPECT_NEAR(std::accumulate(w.begin() + j * in, w.begin() + (j + 1) * in, 0.0), 1.0, 1e-12)
            << m << " " << in << "->" << out << " row " << j;
    }
  expect_error<ValueError>([] { resize_weights(0, 2, "bilinear"); }, {"in_len=0"});
  expect_error<ValueError>([] { resize_weights(2, 2, "cubic"); }, {"`interpolation`", "cubic"});
}

TEST(Resize, ValuesAndShapes) {
  const Tensor x = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2, 1});  // one (2, 2, 1) image
  const Tensor y = ops::image::resize(x, {4, 4}, "bilinear");
  ASSERT_EQ(y.shape(), Shape({4, 4, 1}));
  const double p[4] = {0.0, 0.25, 0.75, 1.0};
  std::vector<float> expected;
  for (double r : p)
    for (double c : p) expected.push_back(static_cast<float>(1.0 + c + 2.0 * r));
  testing::expect_allclose(y, Tensor::from_vector<float>(expected, {4, 4, 1}), 1e-6, 0);
  // Downsampling and mixed sizes; batches and channels are independent.
  const Tensor big = testing::random_tensor({2, 6, 5, 3}, 7);
  EXPECT_EQ(ops::image::resize(big, {3, 8}, "bicubic").shape(), Shape({2, 3, 8, 3}));
  const Tensor one = ops::slice(big, {1, 0, 0, 2}, {1, 6, 5, 1});
  testing::expect_allclose(ops::slice(ops::image::resize(big, {4, 9}, "lanczos3"), {1, 0, 0, 2}, {1, 4, 9, 1}),
                           ops::image::resize(one, {4, 9}, "lanczos3"), 1e-6, 1e-6);
  // Nearest picks floor((j + 0.5) * in / out).
  const Tensor row = Tensor::from_vector<float>({10, 20, 30}, {1, 3, 1});
  EXPECT_EQ(ops::image::resize(row, {1, 2}, "nearest").to_vector<float>(), (std::vector<float>{10, 30}));
  EXPECT_EQ(ops::image::resize(row, {1, 7}, "nearest").to_vector<float>(),
            (std::vector<float>{10, 10, 20, 20, 20, 30, 30}));
  // Same size: unchanged.
  EXPECT_EQ(ops::image::resize(big, {6, 5}, "lanczos5").to_vector<float>(), big.to_vector<float>());
  // Empty batches and channels give empty results.
  EXPECT_EQ(ops::image::resize(Tensor::zeros({0, 3, 4, 2}), {6, 8}, "bicubic").shape(), Shape({0, 6, 8, 2}));
  EXPECT_EQ(ops::image::resize(Tensor::zeros({2, 3, 4, 0}), {5, 3}, "bilinear").shape(), Shape({2, 5, 3, 0}));
  EXPECT_EQ(ops::image::resize(Tensor::zeros({0, 3, 4, 2}), {6, 8}, "nearest").shape(), Shape({0, 6, 8, 2}));
  // float64 images come back as float64.
  EXPECT_EQ(ops::image::resize(ops::cast(x, DType::float64), {3, 3}).dtype(), DType::float64);
}

TEST(Resize, Gradients) {
  for (const char* m : ops::image::kResizeInterpolations) {
    SCOPED_TRACE(m);
    check_gradients([m](const TensorList& x) { return ops::image::resize(x[0], {5, 7}, m); }, {leaf({2, 3, 4, 2}, 3)});
    check_gradients(
        [m](const TensorList& x) {
          return ops::image::resize(x[0], {2, 3}, m, true);
        },
        {leaf({5, 4, 1}, 4)});
  }
}

TEST(Resize, Errors) {
  const Tensor x = Tensor::ones({1, 2, 2, 1});
  expect_error<ValueError>(
      [&] {
        ops::image::resize(x, {4, 4}, "cubic");
      },
      {"resize", "`interpolation`", "\"cubic\"", "\"bilinear\""});
  expect_error<ValueError>([&] { ops::image::resize(Tensor::ones({2, 2}), {4, 4}); }, {"rank", "(2, 2)"});
  expect_error<ValueError>([&] { ops::image::resize(x, {0, 4}); }, {"`size`", "(0, 4)"});
  expect_error<ValueError>([&] { ops::image::resize(Tensor::ones({1, 0, 2, 1}), {4, 4}); }, {"(1, 0, 2, 1)"});
  expect_error<TypeError>(
      [&] {
        ops::image::resize(Tensor::ones({2, 2, 1}, DType::int32), {4, 4});
      },
      {"resize", "int32", "(2, 2, 1)"});
}

TEST(AffineTransform, IdentityShiftsAndFillModes) {
  const Tensor x = testing::random_tensor({2, 3, 4, 2}, 1);
  const Tensor identity = Tensor::from_vector<float>({1, 0, 0, 0, 1, 0, 0, 0});
  testing::expect_allclose(ops::image::affine_transform(x, identity), x, 0, 0);
  testing::expect_allclose(ops::image::affine_transform(ops::squeeze(ops::slice_rows(x, 0, 1), 0), identity, "nearest"),
                           ops::squeeze(ops::slice_rows(x, 0, 1), 0), 0, 0, "unbatched");
  // Output x reads input x + 2.5 along a row 0..4: half-way samples, then the fill rule.
  const Tensor row = Tensor::from_vector<float>({0, 1, 2, 3, 4}, {1, 1, 5, 1});
  const Tensor left = Tensor::from_vector<float>({1, 0, 2.5, 0, 1, 0, 0, 0}, {1, 8});
  const auto run = [&](const std::string& mode) {
    return ops::image::affine_transform(row, left, "bilinear", mode, -1.0).to_vector<float>();
  };
  EXPECT_EQ(run("constant"), (std::vector<float>{2.5, 3.5, 1.5, -1, -1}));  // 4.5: half 4, half fill
  EXPECT_EQ(run("nearest"), (std::vector<float>{2.5, 3.5, 4, 4, 4}));
  EXPECT_EQ(run("wrap"), (std::vector<float>{2.5, 3.5, 2, 0.5, 1.5}));
  EXPECT_EQ(run("reflect"), (std::vector<float>{2.5, 3.5, 4, 3.5, 2.5}));
  // Nearest rounds halves away from zero.
  EXPECT_EQ(ops::image::affine_transform(row, left, "nearest", "reflect").to_vector<float>(),
            (std::vector<float>{3, 4, 4, 3, 2}));
  // One transform per image.
  const Tensor two = Tensor::from_vector<float>({1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0}, {2, 8});
  const Tensor y = ops::image::affine_transform(x, two, "nearest", "nearest");
  testing::expect_allclose(ops::slice_rows(y, 0, 1), ops::slice_rows(x, 0, 1), 0, 0);
  testing::expect_allclose(ops::slice(y, {1, 0, 0, 0}, {1, 3, 3, 2}), ops::slice(x, {1, 0, 1, 0}, {1, 3, 3, 2}), 0, 0);
}

TEST(AffineTransform, GradientsAndErrors) {
  const Tensor t = Tensor::from_vector<float>({0.9f, 0.2f, 0.3f, -0.1f, 1.1f, 0.2f, 0, 0});
  for (const std::string mode : {"constant", "reflect", "wrap", "nearest"})
    check_gradients([&](const TensorList& in) { return ops::image::affine_transform(in[0], t, "bilinear", mode, 0.5); },
                    {leaf({2, 4, 3, 2}, 2)});
  expect_error<ValueError>(
      [] {
        ops::image::affine_transform(Tensor::zeros({1, 2, 2, 1}), Tensor::zeros({8}), "cubic");
      },
      {"`interpolation`", "cubic"});
  expect_error<ValueError>(
      [] {
        ops::image::affine_transform(Tensor::zeros({1, 2, 2, 1}), Tensor::zeros({8}), "nearest", "mirror");
      },
      {"`fill_mode`", "mirror"});
  expect_error<ValueError>(
      [] {
        ops::image::affine_transform(Tensor::zeros({3, 2, 2, 1}), Tensor::zeros({2, 8}));
      },
      {"transform", "(2, 8)"});
  expect_error<ValueError>([] { ops::image::affine_transform(Tensor::zeros({2, 2}), Tensor::zeros({8})); }, {"rank"});
}

TEST(MapCoordinates, PerPixelPositionsAndMirror) {
  // Each output pixel reads its own position: what RandomElasticTransform needs.
  const Tensor row = Tensor::from_vector<float>({0, 1, 2, 3, 4}, {1, 1, 5, 1});
  const std::vector<double> rows(5, 0.0), shifted{2.5, 3.5, 4.5, 5.5, 6.5};
  const auto run = [&](const std::vector<double>& cols, const std::string& mode) {
    return ops::image::detail::map_coordinates(row, rows, cols, "bilinear", mode, -1.0).to_vector<float>();
  };
  EXPECT_EQ(run(shifted, "reflect"), (std::vector<float>{2.5, 3.5, 4, 3.5, 2.5}));   // as affine_transform
  EXPECT_EQ(run(shifted, "mirror"), (std::vector<float>{2.5, 3.5, 3.5, 2.5, 1.5}));  // d c b | a b c d e | d c b
  EXPECT_EQ(run({-1.0, -2.0, 0.25, 4.0, 1.0}, "mirror"), (std::vector<float>{1, 2, 0.25, 4, 1}));
  EXPECT_EQ(run({3.0, 0.0, 1.5, 4.0, -0.5}, "constant"), (std::vector<float>{3, 0, 1.5, 4, -0.5}));
  expect_error<ValueError>([&] { run({1.0}, "constant"); }, {"map_coordinates", "5 coordinates"});
}

TEST(ColorConversions, HsvRoundTripAndGrayscale) {
  const Tensor rgb =
      Tensor::from_vector<float>({1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5f, 0.5f, 0.5f, 0.2f, 0.4f, 0.8f}, {5, 3});
  const Tensor hsv = ops::image::rgb_to_hsv(rgb);
  testing::expect_allclose(
      hsv,
      Tensor::from_vector<float>({0, 1, 1, 1.f / 3, 1, 1, 2.f / 3, 1, 1, 0, 0, 0.5f, 0.6111111f, 0.75f, 0.8f}, {5, 3}),
      1e-5, 1e-5);
  testing::expect_allclose(ops::image::hsv_to_rgb(hsv), rgb, 1e-5, 1e-5);
  const Tensor random = testing::random_tensor({4, 3, 3}, 3, 0.0, 1.0);
  testing::expect_allclose(ops::image::hsv_to_rgb(ops::image::rgb_to_hsv(random)), random, 1e-5, 1e-5);
  testing::expect_allclose(ops::image::rgb_to_grayscale(rgb),
                           Tensor::from_vector<float>({0.2989f, 0.587f, 0.114f, 0.49995f, 0.38578f}, {5, 1}), 1e-5,
                           1e-5);
  expect_error<ValueError>([] { ops::image::rgb_to_hsv(Tensor::zeros({2, 4})); }, {"3 channels"});
}

}  // namespace
}  // namespace keras
