#include "keras/layers/normalization/rms_normalization.h"

#include <cmath>

#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;
using testing::run_layer_test;

TEST(RMSNormalization, RunLayerTest) {
  run_layer_test([] { return LayerHandle(RMSNormalization()); }, {3, 4, 6}, {3, 4, 6});
  run_layer_test(
      [] {
        return LayerHandle(RMSNormalization({.axis = {1, 2}, .epsilon = 0.1}));
      },
      {2, 3, 4}, {2, 3, 4}, false, 2);
  run_layer_test([] { return LayerHandle(RMSNormalization({.axis = 1})); }, {2, 3, 4}, {2, 3, 4}, false, 3);
}

TEST(RMSNormalization, ValuesByHand) {
  // x * rsqrt(mean(x^2) + eps) * scale over the last axis; and over axis 1 of (2, 3, 2),
  // where scale (3,) spans axis 1 (not the last axis).
  RMSNormalization rms({.epsilon = 0.1});
  const Tensor x = Tensor::from_vector(std::vector<float>{1, 2, 3, -4, 0, 2}, Shape{2, 3});
  rms.build_for({Shape{kNone, 3}});
  rms.set_weights({Tensor::from_vector(std::vector<float>{1, 2, 0.5f}, Shape{3})});
  const auto y = rms(x).to_vector<double>();
  const double r0 = 1 / std::sqrt((1 + 4 + 9) / 3.0 + 0.1), r1 = 1 / std::sqrt((16 + 0 + 4) / 3.0 + 0.1);
  const std::vector<double> want{1 * r0, 4 * r0, 1.5 * r0, -4 * r1, 0, 1 * r1};
  for (size_t i = 0; i < 6; ++i) EXPECT_NEAR(y[i], want[i], 1e-6);

  RMSNormalization mid({.axis = 1});
  const Tensor x3 = testing::random_tensor({2, 3, 2}, 5, -2.0, 2.0);
  mid.build_for({Shape{kNone, 3, 2}});
  const Tensor scale = Tensor::from_vector(std::vector<float>{1, 2, 3}, Shape{3});
  mid.set_weights({scale});
  const auto v = x3.to_vector<double>(), got = mid(x3).to_vector<double>();
  for (int b = 0; b < 2; ++b)
    for (int k = 0; k < 2; ++k) {
      double ms = 0;
      for (int j = 0; j < 3; ++j)
        ms += v[static_cast<size_t>(b * 6 + j * 2 + k)] * v[static_cast<size_t>(b * 6 + j * 2 + k)] / 3;
      for (int j = 0; j < 3; ++j) {
        const auto i = static_cast<size_t>(b * 6 + j * 2 + k);
        EXPECT_NEAR(got[i], v[i] / std::sqrt(ms + 1e-6) * (j + 1), 1e-5);
      }
    }
  testing::check_layer_gradients(mid, x3);
}

TEST(RMSNormalization, WeightsAndConfig) {
  RMSNormalization rms({.name = "rms"});
  EXPECT_EQ(saving::get_config(rms)["axis"].dump(), "-1");  // as given before build
  rms.build_for({Shape{kNone, 8}});
  ASSERT_EQ(rms.weights().size(), 1u);
  EXPECT_EQ(rms.weights()[0].path(), "rms/scale");
  EXPECT_EQ(rms.weights()[0].shape(), Shape{8});
  EXPECT_EQ(
      saving::get_config(rms).dump(),
      R"({"name":"rms","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"axis":[-1],"epsilon":1e-06})");
}

TEST(RMSNormalization, Errors) {
  expect_error<ValueError>([] { RMSNormalization({.epsilon = -1}); }, {"epsilon"});
  RMSNormalization bad({.axis = -3, .name = "rms_bad"});
  expect_error<ValueError>([&] { bad(Tensor::ones({2, 3})); }, {"Axis -3", "rms_bad", "(2, 3)"});
  expect_error<ValueError>([&] { bad.compute_output_shape(Shape{kNone, 3}); }, {"Axis -3"});
}

}  // namespace
}  // namespace keras::layers
