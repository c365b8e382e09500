// UpSampling1D, UpSampling2D (every interpolation), UpSampling3D.
#include "keras/layers/reshaping/up_sampling1d.h"
#include "keras/layers/reshaping/up_sampling2d.h"
#include "keras/layers/reshaping/up_sampling3d.h"
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;
using testing::run_layer_test;

std::vector<float> values(const Tensor& t) { return t.to_vector<float>(); }

TEST(UpSampling1D, RunLayerTest) {
  run_layer_test([] { return LayerHandle(UpSampling1D()); }, {2, 3, 4}, {2, 6, 4});
  run_layer_test([] { return LayerHandle(UpSampling1D(3)); }, {2, 4, 2}, {2, 12, 2});
  run_layer_test([] { return LayerHandle(UpSampling1D(1)); }, {2, 4, 2}, {2, 4, 2});
}

TEST(UpSampling1D, RepeatsEachStep) {
  // Keras's docstring example: (2, 2, 3) arange, size 2.
  const Tensor x = Tensor::from_vector<float>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {2, 2, 3});
  const Tensor y = UpSampling1D(2)(x);
  EXPECT_EQ(y.shape(), Shape({2, 4, 3}));
  EXPECT_EQ(values(y),
            (std::vector<float>{0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 6, 7, 8, 6, 7, 8, 9, 10, 11, 9, 10, 11}));
  EXPECT_EQ(UpSampling1D(3).compute_output_shape(Shape{kNone, kNone, 2}), Shape({kNone, kNone, 2}));
  EXPECT_EQ(UpSampling1D(3).compute_output_shape(Shape{kNone, 5, 2}), Shape({kNone, 15, 2}));
}

TEST(UpSampling1D, GradientSumsTheCopies) {
  Tensor x = Tensor::from_vector<float>({1, 2, 3}, {1, 3, 1});
  x.set_requires_grad(true);
  autograd::GradientTape tape;
  const Tensor y = UpSampling1D(3)(x);
  const Tensor w = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 9, 1});
  const Tensor g = tape.gradient(ops::sum(y * w), {x})[0];
  EXPECT_EQ(values(g), (std::vector<float>{6, 15, 24}));
}

TEST(UpSampling1D, ConfigAndErrors) {
  UpSampling1D up(3, {.name = "up"});
  EXPECT_EQ(
      saving::serialize_layer(up)["config"].dump(),
      R"({"name":"up","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"size":3})");
  expect_error<ValueError>([] { UpSampling1D(0); }, {"`size`", "positive integer", "size=0", "UpSampling1D"});
  expect_error<ValueError>([] { UpSampling1D(-2, {.name = "bad"}); }, {"size=-2", "\"bad\""});
  expect_error<ValueError>(
      [] {
        UpSampling1D(2, {.name = "u1"})(Tensor::ones({2, 3}));
      },
      {"u1", "expected ndim=3", "(2, 3)"});
  expect_error<ValueError>(
      [] {
        UpSampling1D(2).compute_output_shape(Shape{2, 3, 4, 5});
      },
      {"rank 3", "(2, 3, 4, 5)", "UpSampling1D"});
}

TEST(UpSampling2D, RunLayerTestEveryInterpolation) {
  run_layer_test([] { return LayerHandle(UpSampling2D()); }, {2, 3, 2, 2}, {2, 6, 4, 2});
  run_layer_test([] { return LayerHandle(UpSampling2D({2, 3})); }, {2, 3, 2, 2}, {2, 6, 6, 2});
  for (const char* interpolation : {"bilinear", "bicubic", "lanczos3", "lanczos5", "area"}) {
    SCOPED_TRACE(interpolation);
    run_layer_test(
        [&] {
          return LayerHandle(UpSampling2D({3, 2}, {.interpolation = interpolation}));
        },
        {2, 3, 4, 2}, {2, 9, 8, 2});
    run_layer_test(
        [&] {
          return LayerHandle(UpSampling2D({1, 2}, {.interpolation = interpolation}));
        },
        {1, 2, 3, 1}, {1, 2, 6, 1});
  }
}

TEST(UpSampling2D, NearestRepeatsRowsAndColumns) {
  // Keras's docstring example: (2, 2, 1, 3) arange, size (1, 2).
  const Tensor x = Tensor::from_vector<float>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {2, 2, 1, 3});
  const Tensor y = UpSampling2D({1, 2})(x);
  EXPECT_EQ(y.shape(), Shape({2, 2, 2, 3}));
  EXPECT_EQ(values(y),
            (std::vector<float>{0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 6, 7, 8, 6, 7, 8, 9, 10, 11, 9, 10, 11}));
  const Tensor sq = Tensor::from_vector<float>({1, 2, 3, 4}, {1, 2, 2, 1});
  EXPECT_EQ(values(UpSampling2D(2)(sq)), (std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));
  // "area" on integer factors is repetition too.
  EXPECT_EQ(values(UpSampling2D(2, {.interpolation = "area"})(sq)), values(UpSampling2D(2)(sq)));
  EXPECT_EQ(UpSampling2D({2, 3}).compute_output_shape(Shape{kNone, kNone, 4, 2}), Shape({kNone, kNone, 12, 2}));
}

TEST(UpSampling2D, BilinearByHand) {
  // x[i][k] = 1 + k + 2 i is linear, so the result is too: 1 + p[c] + 2 p[r], where p is
  // [0, 1] resampled at positions -0.25, 0.25, 0.75, 1.25 with the edges clamped.
  const Tensor x = Tensor::from_vector<float>({1, 2, 3, 4}, {1, 2, 2, 1});
  const Tensor y = UpSampling2D(2, {.interpolation = "bilinear"})(x);
  ASSERT_EQ(y.shape(), Shape({1, 4, 4, 1}));
  const double p[4] = {0.0, 0.25, 0.75, 1.0};
  std::vector<float> expected;
  for (double r : p)
    for (double c : p) expected.push_back(static_cast<float>(1.0 + c + 2.0 * r));
  testing::expect_allclose(y, Tensor::from_vector<float>(expected, {1, 4, 4, 1}), 1e-6, 0);
}

TEST(UpSampling2D, BicubicByHand) {
  // Keys cubic (a = -0.5) at distances 0.25/1.25 and 0.25/0.75, divided by their sums
  // (0.796875 and 1.09375): [1, 2] -> [0.91176471, 1.20714286, 1.79285714, 2.08823529].
  // The rows (factor 1) are left alone.
  const Tensor x = Tensor::from_vector<float>({1, 2, 5, 6}, {2, 1, 2, 1});
  const Tensor y = UpSampling2D({1, 2}, {.interpolation = "BiCubic"})(x);
  ASSERT_EQ(y.shape(), Shape({2, 1, 4, 1}));
  const double a = 0.8671875 / 0.796875 - 0.0703125 / 0.796875 * 2.0;  // 0.9117647...
  const double b = (0.8671875 + 0.2265625 * 2.0) / 1.09375;            // 1.2071428...
  const std::vector<float> expected{static_cast<float>(a),     static_cast<float>(b),     static_cast<float>(3 - b),
                                    static_cast<float>(3 - a), static_cast<float>(a + 4), static_cast<float>(b + 4),
                                    static_cast<float>(7 - b), static_cast<float>(7 - a)};
  testing::expect_allclose(y, Tensor::from_vector<float>(expected, {2, 1, 4, 1}), 1e-6, 1e-6);
  EXPECT_NEAR(a, 0.91176471, 1e-8);
  EXPECT_NEAR(b, 1.20714286, 1e-8);
}

TEST(UpSampling2D, ConstantsStayConstant) {
  // Every interpolation's weights sum to 1 per output, edges included.
  const Tensor x = Tensor::full({1, 3, 4, 2}, 2.5);
  for (const char* interpolation : {"nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area"}) {
    const Tensor y = UpSampling2D({3, 2}, {.interpolation = interpolation})(x);
    testing::expect_allclose(y, Tensor::full({1, 9, 8, 2}, 2.5), 1e-5, 1e-5, interpolation);
  }
}

TEST(UpSampling2D, ConfigAndErrors) {
  UpSampling2D up({3, 2}, {.interpolation = "Bilinear", .name = "up"});
  EXPECT_EQ(up.options().interpolation, "bilinear");  // Keras keeps interpolation.lower()
  EXPECT_EQ(
      saving::serialize_layer(up)["config"].dump(),
      R"({"name":"up","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"size":[3,2],"data_format":"channels_last","interpolation":"bilinear"})");
  const auto back = std::dynamic_pointer_cast<UpSampling2D>(saving::deserialize_layer(saving::serialize_layer(up)));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->size().vec(), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(back->options().interpolation, "bilinear");

  expect_error<ValueError>(
      [] {
        UpSampling2D({0, 2}, {.name = "u2"});
      },
      {"`size`", "tuple of 2 integers", "size=(0, 2)", "{0}", "value > 0", "\"u2\"", "UpSampling2D"});
  expect_error<ValueError>([] { UpSampling2D(-1); }, {"size=(-1, -1)", "UpSampling2D"});
  expect_error<ValueError>([] { UpSampling2D(2, {.interpolation = "cubic", .name = "u3"}); },
                           {"`interpolation`", "interpolation=\"cubic\"", "\"bilinear\"", "\"u3\"", "UpSampling2D"});
  expect_error<ValueError>([] { UpSampling2D(2, {.data_format = "channels_first"}); },
                           {"data_format", "channels_first", "UpSampling2D"});
  expect_error<ValueError>(
      [] {
        UpSampling2D(2, {.name = "u4"})(Tensor::ones({2, 3, 4}));
      },
      {"u4", "expected ndim=4", "(2, 3, 4)"});
  expect_error<ValueError>([] { UpSampling2D(2).compute_output_shape(Shape{2, 3}); }, {"rank 4", "(2, 3)"});
  // A config from a file with a bad value names the layer too.
  Config bad = saving::serialize_layer(up);
  bad["config"]["interpolation"] = "bogus";
  expect_error<ValueError>([&] { saving::deserialize_layer(bad); }, {"interpolation=\"bogus\"", "\"up\""});
}

TEST(UpSampling3D, RunLayerTest) {
  run_layer_test([] { return LayerHandle(UpSampling3D()); }, {2, 2, 1, 2, 2}, {2, 4, 2, 4, 2});
  run_layer_test([] { return LayerHandle(UpSampling3D({1, 2, 3})); }, {2, 2, 2, 3, 2}, {2, 2, 4, 9, 2});
}

TEST(UpSampling3D, RepeatsEachAxis) {
  const Tensor x = Tensor::from_vector<float>({1, 2, 3, 4}, {1, 2, 1, 2, 1});
  const Tensor y = UpSampling3D({2, 2, 1})(x);
  ASSERT_EQ(y.shape(), Shape({1, 4, 2, 2, 1}));
  EXPECT_EQ(values(y), (std::vector<float>{1, 2, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 3, 4}));
  EXPECT_EQ(UpSampling3D().compute_output_shape(Shape{kNone, 1, kNone, 3, 2}), Shape({kNone, 2, kNone, 6, 2}));
}

TEST(UpSampling3D, ConfigAndErrors) {
  UpSampling3D up({1, 2, 3}, {.name = "up"});
  EXPECT_EQ(
      saving::serialize_layer(up)["config"].dump(),
      R"({"name":"up","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"size":[1,2,3],"data_format":"channels_last"})");
  expect_error<ValueError>(
      [] {
        UpSampling3D({1, 0, -3});
      },
      {"`size`", "tuple of 3 integers", "size=(1, 0, -3)", "{0, -3}", "UpSampling3D"});
  expect_error<ValueError>([] { UpSampling3D(2, {.data_format = "channels_first"}); },
                           {"channels_first", "UpSampling3D"});
  expect_error<ValueError>(
      [] {
        UpSampling3D(2, {.name = "u5"})(Tensor::ones({2, 3, 4, 5}));
      },
      {"u5", "expected ndim=5", "(2, 3, 4, 5)"});
}

TEST(UpSampling, ReadsKerasConfigs) {
  // Keras writes UpSampling1D's size as an int and the others' as lists; an int is read
  // for every factor, and missing keys keep Keras's defaults.
  const Config c1 = Config::parse(R"({"class_name":"UpSampling1D","config":{"name":"a","size":4}})");
  const Config c2 =
      Config::parse(R"({"class_name":"UpSampling2D","config":{"name":"b","size":3,"interpolation":"LANCZOS3"}})");
  const Config c3 = Config::parse(R"({"class_name":"UpSampling3D","config":{"name":"c"}})");
  EXPECT_EQ(std::dynamic_pointer_cast<UpSampling1D>(saving::deserialize_layer(c1))->size(), 4);
  const auto l2 = std::dynamic_pointer_cast<UpSampling2D>(saving::deserialize_layer(c2));
  EXPECT_EQ(l2->size().vec(), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(l2->options().interpolation, "lanczos3");
  EXPECT_EQ(std::dynamic_pointer_cast<UpSampling3D>(saving::deserialize_layer(c3))->size().vec(),
            (std::vector<int64_t>{2, 2, 2}));
  const Config bad = Config::parse(R"({"class_name":"UpSampling1D","config":{"name":"d","size":"two"}})");
  expect_error<IOError>([&] { saving::deserialize_layer(bad); }, {"\"d\"", "size"});
}

TEST(UpSampling, EmptyBatchesAndChannels) {
  // Zero-sized axes give zero-sized outputs, for every interpolation (as in Keras).
  const Tensor x = Tensor::zeros({0, 3, 4, 2});
  for (const char* m : {"nearest", "bilinear", "bicubic", "area"}) {
    const Tensor y = UpSampling2D(2, {.interpolation = m})(x);
    EXPECT_EQ(y.shape(), Shape({0, 6, 8, 2})) << m;
  }
  EXPECT_EQ(UpSampling1D(2)(Tensor::zeros({0, 3, 2})).shape(), Shape({0, 6, 2}));
  EXPECT_EQ(UpSampling1D(2)(Tensor::zeros({2, 3, 0})).shape(), Shape({2, 6, 0}));
  EXPECT_EQ(UpSampling2D(2, {.interpolation = "bilinear"})(Tensor::zeros({2, 3, 4, 0})).shape(), Shape({2, 6, 8, 0}));
  EXPECT_EQ(UpSampling3D(2)(Tensor::zeros({1, 0, 1, 1, 1})).shape(), Shape({1, 0, 2, 2, 1}));
  EXPECT_EQ(UpSampling2D(2, {.interpolation = "bicubic"})(Tensor::zeros({2, 0, 4, 1})).shape(), Shape({2, 0, 8, 1}));
}

}  // namespace
}  // namespace keras::layers
