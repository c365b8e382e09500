// AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D: Keras's windows, both
// data formats, gradients, configs, errors.
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;
using testing::run_layer_test;

std::vector<float> values(const Tensor& t) { return t.to_vector<float>(); }

TEST(AdaptivePooling, RunLayerTestEveryRankAndMode) {
  run_layer_test([] { return LayerHandle(AdaptiveAveragePooling1D(4)); }, {2, 10, 3}, {2, 4, 3});
  run_layer_test([] { return LayerHandle(AdaptiveAveragePooling1D(5)); }, {2, 3, 2}, {2, 5, 2});  // upsampling
  run_layer_test([] { return LayerHandle(AdaptiveAveragePooling2D({3, 2})); }, {2, 7, 5, 2}, {2, 3, 2, 2});
  run_layer_test([] { return LayerHandle(AdaptiveAveragePooling3D({2, 2, 3})); }, {1, 5, 4, 7, 2}, {1, 2, 2, 3, 2});
  run_layer_test([] { return LayerHandle(AdaptiveMaxPooling1D(3)); }, {2, 7, 2}, {2, 3, 2}, false, 1, true);
  run_layer_test([] { return LayerHandle(AdaptiveMaxPooling2D(3)); }, {2, 8, 7, 2}, {2, 3, 3, 2}, false, 2, true);
  run_layer_test([] { return LayerHandle(AdaptiveMaxPooling3D(2)); }, {1, 3, 5, 4, 2}, {1, 2, 2, 2, 2}, false, 3, true);
  run_layer_test([] { return LayerHandle(AdaptiveMaxPooling2D({4, 1})); }, {2, 4, 6, 3}, {2, 4, 1, 3}, false, 4, true);
  run_layer_test([] { return LayerHandle(AdaptiveAveragePooling2D(2, {.data_format = "channels_first"})); },
                 {2, 3, 5, 5}, {2, 3, 2, 2});
  run_layer_test([] { return LayerHandle(AdaptiveMaxPooling3D(2, {.data_format = "channels_first"})); },
                 {1, 2, 3, 4, 5}, {1, 2, 2, 2, 2}, false, 5, true);
}

TEST(AdaptivePooling, KerasWindows) {
  // Length 5 to 3: windows [0, 2), [1, 4), [3, 5) (floor(i * 5 / 3) to ceil((i + 1) * 5 / 3)).
  const Tensor x = Tensor::from_vector<float>({1, 2, 3, 4, 5}, {1, 5, 1});
  EXPECT_EQ(values(AdaptiveAveragePooling1D(3)(x)), (std::vector<float>{1.5f, 3, 4.5f}));
  const Tensor m = Tensor::from_vector<float>({1, 5, 2, 4, 3}, {1, 5, 1});
  EXPECT_EQ(values(AdaptiveMaxPooling1D(3)(m)), (std::vector<float>{5, 5, 4}));
  // Length 3 to 5: windows [0, 1), [0, 2), [1, 2), [1, 3), [2, 3).
  EXPECT_EQ(values(AdaptiveAveragePooling1D(5)(Tensor::from_vector<float>({1, 2, 3}, {1, 3, 1}))),
            (std::vector<float>{1, 1.5f, 2, 2.5f, 3}));
  // The same size: the identity; size 1: the global pool.
  const Tensor r = testing::random_tensor({2, 6, 3}, 7);
  EXPECT_EQ(values(AdaptiveMaxPooling1D(6)(r)), values(r));
  testing::expect_allclose(AdaptiveAveragePooling1D(1)(r), ops::mean(r, {1}, true), 1e-6, 1e-6);
  testing::expect_allclose(AdaptiveMaxPooling2D(1)(testing::random_tensor({2, 4, 5, 3}, 8)),
                           ops::max(testing::random_tensor({2, 4, 5, 3}, 8), {1, 2}, true), 0, 0);
  // 2-D windows are the products of the 1-D ones: 4x4 to 2x2 averages each 2x2 block.
  std::vector<float> v(16);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  EXPECT_EQ(values(AdaptiveAveragePooling2D(2)(Tensor::from_vector(v, {1, 4, 4, 1}))),
            (std::vector<float>{2.5f, 4.5f, 10.5f, 12.5f}));
}

TEST(AdaptivePooling, ChannelsFirstMatchesChannelsLast) {
  const Tensor x = testing::random_tensor({2, 5, 6, 7, 3}, 9);
  const Tensor first = ops::transpose(x, {0, 4, 1, 2, 3});
  for (bool max : {false, true}) {
    SCOPED_TRACE(max ? "max" : "average");
    Tensor last_out, first_out;
    if (max) {
      last_out = AdaptiveMaxPooling3D({2, 4, 3})(x);
      first_out = AdaptiveMaxPooling3D({2, 4, 3}, {.data_format = "channels_first"})(first);
    } else {
      last_out = AdaptiveAveragePooling3D({2, 4, 3})(x);
      first_out = AdaptiveAveragePooling3D({2, 4, 3}, {.data_format = "channels_first"})(first);
    }
    EXPECT_EQ(first_out.shape(), Shape({2, 3, 2, 4, 3}));
    testing::expect_allclose(first_out, ops::transpose(last_out, {0, 4, 1, 2, 3}), 1e-6, 1e-6);
  }
  EXPECT_EQ(AdaptiveAveragePooling2D(3, {.data_format = "channels_first"}).compute_output_shape(Shape{kNone, 4, 9, 9}),
            Shape({kNone, 4, 3, 3}));
}

TEST(AdaptivePooling, Gradients) {
  // Overlapping windows: a cell in two windows gets both gradients.
  AdaptiveAveragePooling1D avg(3);
  testing::check_layer_gradients(avg, testing::random_tensor({2, 5, 2}, 10));
  AdaptiveMaxPooling2D mx({3, 4});
  testing::check_layer_gradients(mx, testing::distinct_tensor({2, 7, 6, 2}, 11));
  Tensor x = Tensor::from_vector<float>({1, 2, 3, 4, 5}, {1, 5, 1});
  x.set_requires_grad(true);
  autograd::GradientTape tape;
  const Tensor g = tape.gradient(ops::sum(AdaptiveAveragePooling1D(3)(x)), {x})[0];
  // Windows [0, 2), [1, 4), [3, 5): weights 1/2, 1/3, 1/2.
  testing::expect_allclose(
      g, Tensor::from_vector<float>({0.5f, 0.5f + 1.f / 3, 1.f / 3, 1.f / 3 + 0.5f, 0.5f}, {1, 5, 1}), 1e-6, 1e-6);
}

TEST(AdaptivePooling, Config) {
  const Config c = AdaptiveMaxPooling2D(3, {.name = "amp"}).get_config();
  std::vector<std::string> keys;
  for (const auto& [k, v] : c.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "trainable", "dtype", "output_size", "data_format"}));
  EXPECT_EQ(c["output_size"], Config::parse("[3, 3]"));
  EXPECT_EQ(c["data_format"], "channels_last");
  EXPECT_EQ(AdaptiveAveragePooling1D(4).get_config()["output_size"], Config::parse("[4]"));
  auto copy = AdaptiveAveragePooling3D::from_config(
      AdaptiveAveragePooling3D({1, 2, 3}, {.data_format = "channels_first"}).get_config());
  const auto& a = dynamic_cast<const AdaptiveAveragePooling3D&>(*copy);
  EXPECT_EQ(a.output_size(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(a.data_format(), "channels_first");
  EXPECT_FALSE(a.is_max());
}

TEST(AdaptivePooling, Errors) {
  expect_error<ValueError>(
      [] {
        AdaptiveAveragePooling2D({0, 2}, {.name = "ap"});
      },
      {"ap", "output_size", "positive", "(0, 2)"});
  expect_error<ValueError>([] { AdaptiveMaxPooling1D(-1); }, {"output_size", "(-1,)"});
  expect_error<ValueError>([] { AdaptiveMaxPooling1D(2, {.data_format = "channels_middle"}); },
                           {"data_format", "channels_middle"});
  expect_error<ValueError>([] { AdaptiveMaxPooling2D(2)(Tensor::ones({2, 5, 3})); }, {"expected ndim=4", "(2, 5, 3)"});
  expect_error<ValueError>([] { AdaptiveAveragePooling3D(2)(Tensor::ones({1, 2, 2, 2})); }, {"expected ndim=5"});
}

}  // namespace
}  // namespace keras::layers
