#include "keras/layers/normalization/unit_normalization.h"

#include <cmath>

#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;
using testing::run_layer_test;

TEST(UnitNormalization, RunLayerTest) {
  run_layer_test([] { return LayerHandle(UnitNormalization()); }, {3, 5}, {3, 5});
  run_layer_test([] { return LayerHandle(UnitNormalization({.axis = {1, 2}})); }, {2, 3, 4, 2}, {2, 3, 4, 2}, false, 2);
  run_layer_test([] { return LayerHandle(UnitNormalization({.axis = 1})); }, {2, 3, 4}, {2, 3, 4}, false, 3);
}

TEST(UnitNormalization, ValuesByHand) {
  UnitNormalization un;
  const Tensor x = Tensor::from_vector(std::vector<float>{3, 4, 0, 0, 0, 0}, Shape{2, 3});
  const auto y = un(x).to_vector<float>();
  EXPECT_NEAR(y[0], 0.6, 1e-6);
  EXPECT_NEAR(y[1], 0.8, 1e-6);
  EXPECT_EQ(y[3], 0.0f);  // a zero vector stays zero (the norm is clamped at 1e-12)
  // Over axes (1, 2): one norm per sample.
  UnitNormalization both({.axis = {1, 2}});
  const Tensor z = testing::random_tensor({2, 3, 4}, 3);
  const auto v = z.to_vector<double>(), w = both(z).to_vector<double>();
  for (int b = 0; b < 2; ++b) {
    double n = 0;
    for (int i = 0; i < 12; ++i) n += v[static_cast<size_t>(b * 12 + i)] * v[static_cast<size_t>(b * 12 + i)];
    for (int i = 0; i < 12; ++i)
      EXPECT_NEAR(w[static_cast<size_t>(b * 12 + i)], v[static_cast<size_t>(b * 12 + i)] / std::sqrt(n), 1e-6);
  }
  // A finite gradient at zero (the squared norm is clamped before the rsqrt).
  Tensor zero = Tensor::zeros({1, 3});
  autograd::GradientTape tape;
  tape.watch(zero);
  const Tensor g = tape.gradient(ops::sum(un(zero)), {zero}).at(0);
  for (float v : g.to_vector<float>()) EXPECT_TRUE(std::isfinite(v));
}

TEST(UnitNormalization, ConfigKeepsTheAxisAsGiven) {
  EXPECT_EQ(
      saving::get_config(UnitNormalization({.name = "u"})).dump(),
      R"({"name":"u","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"axis":-1})");
  EXPECT_EQ(saving::get_config(UnitNormalization({.axis = {1, 2}}))["axis"].dump(), "[1,2]");
  UnitNormalization un;
  un(Tensor::ones({2, 3}));
  EXPECT_TRUE(un.weights().empty());
  // Keras writes no build_config for it (it builds at construction).
  EXPECT_FALSE(saving::serialize_layer(un).contains("build_config"));
}

TEST(UnitNormalization, Errors) {
  UnitNormalization bad({.axis = {1, 5}, .name = "un_bad"});
  expect_error<ValueError>([&] { bad(Tensor::ones({2, 3})); }, {"Axis 5", "un_bad", "(2, 3)", "axis=[1, 5]"});
  expect_error<ValueError>([] { UnitNormalization({.axis = std::vector<int64_t>{}}); }, {"axis"});
}

}  // namespace
}  // namespace keras::layers
