// SpatialDropout1D/2D/3D: whole channels dropped in training, the identity at inference.
#include "keras/layers/regularization/spatial_dropout.h"

#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;

/// Checks that every (sample, channel) map of a channels-last output `y` of ones is all
/// zeros or all 1 / (1 - rate), and returns the fraction dropped.
double dropped_channel_fraction(const Tensor& y, double rate, bool channels_first) {
  std::vector<int64_t> to_last{0};
  for (int64_t i = 2; i < y.rank(); ++i) to_last.push_back(i);
  to_last.push_back(1);
  const Tensor t = channels_first ? ops::transpose(y, to_last) : y;
  const int64_t batch = t.dim(0), channels = t.dim(-1), spatial = t.size() / (batch * channels);
  const auto v = t.to_vector<float>();
  int64_t dropped = 0;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t c = 0; c < channels; ++c) {
      const float first = v[static_cast<size_t>(b * spatial * channels + c)];
      EXPECT_TRUE(first == 0.f || std::abs(first - 1.f / static_cast<float>(1 - rate)) < 1e-6f) << first;
      for (int64_t s = 1; s < spatial; ++s) EXPECT_EQ(v[static_cast<size_t>((b * spatial + s) * channels + c)], first);
      if (first == 0.f) ++dropped;
    }
  return static_cast<double>(dropped) / static_cast<double>(batch * channels);
}

TEST(SpatialDropout, IdentityAtInference) {
  const Tensor x = testing::random_tensor({3, 4, 5, 2}, 1);
  EXPECT_EQ(SpatialDropout2D(0.5)(x, false).to_vector<float>(), x.to_vector<float>());
  const Tensor x1 = testing::random_tensor({3, 4, 2}, 2);
  EXPECT_EQ(SpatialDropout1D(0.5)(x1, false).to_vector<float>(), x1.to_vector<float>());
  const Tensor x3 = testing::random_tensor({2, 3, 3, 3, 2}, 3);
  EXPECT_EQ(SpatialDropout3D(0.5)(x3, false).to_vector<float>(), x3.to_vector<float>());
  EXPECT_EQ(SpatialDropout2D(0.0)(x, true).to_vector<float>(), x.to_vector<float>());
}

TEST(SpatialDropout, DropsWholeChannelsAtTheRate) {
  EXPECT_NEAR(dropped_channel_fraction(SpatialDropout1D(0.3)(Tensor::ones({100, 6, 40}), true), 0.3, false), 0.3, 0.03);
  EXPECT_NEAR(dropped_channel_fraction(SpatialDropout2D(0.5)(Tensor::ones({100, 3, 4, 40}), true), 0.5, false), 0.5,
              0.03);
  EXPECT_NEAR(
      dropped_channel_fraction(
          SpatialDropout2D(0.2, {.data_format = "channels_first"})(Tensor::ones({100, 40, 3, 4}), true), 0.2, true),
      0.2, 0.03);
  EXPECT_NEAR(dropped_channel_fraction(SpatialDropout3D(0.4)(Tensor::ones({50, 2, 3, 2, 40}), true), 0.4, false), 0.4,
              0.04);
  EXPECT_NEAR(
      dropped_channel_fraction(
          SpatialDropout3D(0.4, {.data_format = "channels_first"})(Tensor::ones({50, 40, 2, 3, 2}), true), 0.4, true),
      0.4, 0.04);
  EXPECT_EQ(SpatialDropout1D(1.0)(Tensor::ones({2, 3, 4}), true).to_vector<float>(), std::vector<float>(24, 0.f));
}

TEST(SpatialDropout, KeepsTheExpectedValue) {
  const Tensor x = testing::random_tensor({200, 5, 5, 30}, 4, 0.5, 1.5);
  const double want = ops::mean(x).item<float>();
  EXPECT_NEAR(ops::mean(SpatialDropout2D(0.3)(x, true)).item<float>(), want, 0.03);
}

TEST(SpatialDropout, SeedRepeatsAndNewMaskEachCall) {
  SpatialDropout2D a(0.5, {.seed = 3}), b(0.5, {.seed = 3});
  const Tensor x = Tensor::ones({4, 2, 2, 8});
  const auto ya = a(x, true).to_vector<float>();
  EXPECT_EQ(ya, b(x, true).to_vector<float>());
  EXPECT_NE(a(x, true).to_vector<float>(), ya);
}

TEST(SpatialDropout, GradientIsTheMask) {
  SpatialDropout1D d(0.5);
  Tensor x = testing::random_tensor({6, 4, 5}, 5, 0.5, 1.5);
  x.set_requires_grad(true);
  autograd::GradientTape tape;
  const Tensor y = d(x, true);
  const Tensor g = tape.gradient(ops::sum(y), {x})[0];
  const auto yv = y.to_vector<float>(), gv = g.to_vector<float>();
  for (size_t i = 0; i < yv.size(); ++i) EXPECT_FLOAT_EQ(gv[i], yv[i] == 0.f ? 0.f : 2.f);
  SpatialDropout3D inference(0.5);
  testing::check_layer_gradients(inference, testing::random_tensor({2, 2, 2, 2, 3}, 6));
}

TEST(SpatialDropout, RunLayerTest) {
  testing::run_layer_test([] { return LayerHandle(SpatialDropout1D(0.5)); }, {2, 4, 3}, {2, 4, 3});
  testing::run_layer_test([] { return LayerHandle(SpatialDropout2D(0.3, {.data_format = "channels_first"})); },
                          {2, 3, 4, 4}, {2, 3, 4, 4});
  testing::run_layer_test([] { return LayerHandle(SpatialDropout3D(0.2, {.seed = 1})); }, {1, 2, 3, 2, 2},
                          {1, 2, 3, 2, 2});
}

TEST(SpatialDropout, ConfigAsKerasWritesIt) {
  const Config c1 = SpatialDropout1D(0.5, {.name = "sd"}).get_config();
  EXPECT_EQ(c1.dump(), R"({"rate":0.5,"seed":null,"name":"sd","dtype":"float32"})");
  const Config c2 = SpatialDropout2D(0.25, {.data_format = "channels_first", .seed = 7, .name = "sd2"}).get_config();
  EXPECT_EQ(c2.dump(), R"({"rate":0.25,"seed":7,"name":"sd2","dtype":"float32","data_format":"channels_first"})");
  auto copy = SpatialDropout2D::from_config(c2);
  const auto& s = dynamic_cast<const SpatialDropout2D&>(*copy);
  EXPECT_EQ(s.rate(), 0.25);
  EXPECT_EQ(s.seed(), std::optional<uint64_t>(7));
  EXPECT_EQ(s.data_format(), "channels_first");
  EXPECT_EQ(s.name(), "sd2");
}

TEST(SpatialDropout, Errors) {
  expect_error<ValueError>([] { SpatialDropout1D(1.5, {.name = "sd"}); }, {"rate", "Received: rate=1.5", "sd"});
  expect_error<ValueError>([] { SpatialDropout2D(0.1, {.data_format = "nhwc"}); }, {"data_format", "nhwc"});
  expect_error<ValueError>([] { SpatialDropout2D(0.1)(Tensor::ones({2, 3, 4}), true); }, {"expected ndim=4"});
  expect_error<ValueError>([] { SpatialDropout3D(0.1)(Tensor::ones({2, 3, 4, 5})); }, {"expected ndim=5"});
}

}  // namespace
}  // namespace keras::layers
