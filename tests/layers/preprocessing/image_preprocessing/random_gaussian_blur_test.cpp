// RandomGaussianBlur: an impulse becomes the Gaussian kernel (width and height kept
// apart), a constant image stays constant away from the zero-padded edges, images are
// blurred with the drawn probability and clipped to value_range; seeds, layouts, inside
// fit, gradients, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/random_gaussian_blur.h"

#include <cmath>

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

using testing::max_abs_diff;

std::vector<double> gaussian(int64_t size, double sigma) {
  std::vector<double> w;
  double total = 0;
  for (int64_t j = 0; j < size; ++j) {
    const double d = (static_cast<double>(j) - static_cast<double>(size - 1) / 2) / sigma;
    w.push_back(std::exp(-0.5 * d * d));
    total += w.back();
  }
  for (double& v : w) v /= total;
  return w;
}

TEST(RandomGaussianBlur, AnImpulseBecomesTheKernel) {
  std::vector<float> v(9 * 9, 0.0f);
  v[4 * 9 + 4] = 1.0f;
  const Tensor x = Tensor::from_vector(v, {1, 9, 9, 1});
  // kernel_size (5, 3): 5 wide, 3 high; sigma (0.8, 0.8) fixes both deviations.
  const Tensor y =
      RandomGaussianBlur({1.0, 1.0}, {.kernel_size = {5, 3}, .sigma = {0.8, 0.8}, .value_range = {0.0, 1.0}})(x, true);
  const std::vector<double> kx = gaussian(5, 0.8), ky = gaussian(3, 0.8);
  for (int64_t r = 0; r < 9; ++r)
    for (int64_t c = 0; c < 9; ++c) {
      const int64_t dr = r - 4 + 1, dc = c - 4 + 2;
      const double expected =
          dr >= 0 && dr < 3 && dc >= 0 && dc < 5 ? ky[static_cast<size_t>(dr)] * kx[static_cast<size_t>(dc)] : 0.0;
      EXPECT_NEAR(y.at<float>({0, r, c, 0}), expected, 1e-6) << r << "," << c;
    }
  EXPECT_NEAR(ops::sum(y).item<float>(), 1.0f, 1e-5);
}

TEST(RandomGaussianBlur, AConstantImageStaysConstantInside) {
  const Tensor x = Tensor::full({2, 7, 8, 3}, 100.0f);
  const Tensor y = RandomGaussianBlur({1.0, 1.0}, {.sigma = {0.5, 0.5}})(x, true);
  const std::vector<double> k = gaussian(3, 0.5);
  for (int64_t r = 1; r < 6; ++r)
    for (int64_t c = 1; c < 7; ++c) EXPECT_NEAR(y.at<float>({1, r, c, 2}), 100.0f, 1e-3);
  // The zeros beyond the edge darken it, as Keras's "same" convolution does.
  EXPECT_NEAR(y.at<float>({0, 0, 3, 0}), 100.0 * (1.0 - k[0]), 1e-3);
  EXPECT_NEAR(y.at<float>({0, 0, 0, 0}), 100.0 * (1.0 - k[0]) * (1.0 - k[0]), 1e-3);
}

TEST(RandomGaussianBlur, BlursWithTheDrawnProbabilityAndClips) {
  const Tensor x = testing::pattern_images({200, 5, 5, 1});
  const auto blurred = [&](const FloatOrList& factor) {
    const Tensor y = RandomGaussianBlur(factor, {.sigma = {1.0, 1.0}, .seed = 2})(x, true);
    int n = 0;
    for (int64_t b = 0; b < 200; ++b) n += max_abs_diff(ops::slice_rows(x, b, b + 1), ops::slice_rows(y, b, b + 1)) > 0;
    return n;
  };
  EXPECT_EQ(blurred({1.0, 1.0}), 200);
  EXPECT_EQ(blurred(0.0), 0);
  const int half = blurred({0.5, 0.5});
  EXPECT_GT(half, 70);
  EXPECT_LT(half, 130);
  // In training every image is clipped to value_range, blurred or not.
  const Tensor bright = Tensor::full({2, 4, 4, 3}, 300.0f);
  EXPECT_EQ(ops::max(RandomGaussianBlur(0.0)(bright, true)).item<float>(), 255.0f);
  EXPECT_EQ(ops::max(RandomGaussianBlur(0.0)(bright, false)).item<float>(), 300.0f);
}

TEST(RandomGaussianBlur, BasicsLayoutsFitAndGradients) {
  testing::check_augmentation_basics(
      [](std::optional<uint64_t> s) { return LayerHandle(RandomGaussianBlur(1.0, {.seed = s})); },
      testing::pattern_images({4, 8, 8, 3}));
  const Tensor x = testing::pattern_images({3, 6, 7, 2});
  const Tensor last = RandomGaussianBlur({1.0, 1.0}, {.kernel_size = {3, 5}, .seed = 5})(x, true);
  const Tensor first =
      RandomGaussianBlur({1.0, 1.0}, {.kernel_size = {3, 5}, .data_format = "channels_first", .seed = 5})(
          ops::transpose(x, {0, 3, 1, 2}), true);
  testing::expect_allclose(ops::transpose(first, {0, 2, 3, 1}), last, 1e-5, 1e-6, "channels_first");
  const Tensor one = ops::squeeze(ops::slice_rows(x, 0, 1), 0);
  testing::expect_allclose(
      RandomGaussianBlur({1.0, 1.0}, {.sigma = {0.7, 0.7}})(one, true),
      ops::squeeze(RandomGaussianBlur({1.0, 1.0}, {.sigma = {0.7, 0.7}})(ops::slice_rows(x, 0, 1), true), 0), 1e-5,
      1e-6, "unbatched");
  const TensorList seen = testing::seen_in_fit(RandomGaussianBlur({1.0, 1.0}, {.sigma = {0.7, 0.7}}), x);
  ASSERT_EQ(seen.size(), 1u);
  testing::expect_allclose(seen[0], RandomGaussianBlur({1.0, 1.0}, {.sigma = {0.7, 0.7}})(x, true), 1e-5, 1e-6,
                           "in fit");
  testing::run_layer_test([] { return LayerHandle(RandomGaussianBlur()); }, {2, 5, 5, 2}, {2, 5, 5, 2});
  RandomGaussianBlur layer({1.0, 1.0}, {.kernel_size = 5, .sigma = {0.9, 0.9}, .value_range = {-10.0, 10.0}});
  testing::check_layer_gradients(layer, testing::random_tensor({2, 5, 6, 2}, 1), true);
}

TEST(RandomGaussianBlur, ConfigAndErrors) {
  RandomGaussianBlur layer(1.0, {.name = "blur"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"blur","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","factor":[0.0,1.0],"kernel_size":[3,3],"sigma":[0.0,1.0],"value_range":[0.0,255.0],"seed":null})");
  testing::expect_error<ValueError>([] { RandomGaussianBlur(1.5); }, {"`factor`", "RandomGaussianBlur"});
  testing::expect_error<ValueError>([] { RandomGaussianBlur(1.0, {.kernel_size = 4}); },
                                    {"kernel_size must be an odd number", "kernel_size=(4, 4)"});
  testing::expect_error<ValueError>([] { RandomGaussianBlur(1.0, {.sigma = 2.0}); }, {"`sigma`", "sigma=2"});
  testing::expect_error<ValueError>([] { RandomGaussianBlur(1.0, {.value_range = {5.0, 5.0}}); }, {"`value_range`"});
}

}  // namespace
}  // namespace keras::layers
