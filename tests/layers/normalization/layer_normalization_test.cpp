#include "keras/layers/normalization/layer_normalization.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;
using testing::run_layer_test;

/// Keras's formula in double precision: statistics over `axes` (non-negative, sorted) of a
/// row-major array of `shape`; gamma/beta (over the axes, may be empty) applied.
std::vector<double> layer_norm_reference(const std::vector<double>& x, const Shape& shape,
                                         const std::vector<int64_t>& axes, const std::vector<double>& gamma,
                                         const std::vector<double>& beta, double eps, bool rms_scaling = false) {
  const auto rank = static_cast<size_t>(shape.rank());
  std::vector<int64_t> strides(rank, 1);
  for (size_t d = rank - 1; d > 0; --d) strides[d - 1] = strides[d] * shape[d];
  auto is_axis = [&](size_t d) { return std::find(axes.begin(), axes.end(), static_cast<int64_t>(d)) != axes.end(); };
  // The group of element i: its index with the normalized axes zeroed; its weight index:
  // its index over the normalized axes only.
  auto group_of = [&](int64_t i) {
    int64_t g = 0;
    for (size_t d = 0; d < rank; ++d)
      if (!is_axis(d)) g += (i / strides[d] % shape[d]) * strides[d];
    return g;
  };
  auto weight_of = [&](int64_t i) {
    int64_t w = 0;
    for (size_t d = 0; d < rank; ++d)
      if (is_axis(d)) w = w * shape[d] + i / strides[d] % shape[d];
    return static_cast<size_t>(w);
  };
  std::map<int64_t, std::pair<double, double>> sums;  // group -> (sum, count)
  const auto n = static_cast<int64_t>(x.size());
  for (int64_t i = 0; i < n; ++i) {
    auto& s = sums[group_of(i)];
    s.first += x[static_cast<size_t>(i)];
    s.second += 1;
  }
  std::map<int64_t, double> var;
  for (int64_t i = 0; i < n; ++i) {
    const auto& s = sums[group_of(i)];
    var[group_of(i)] += std::pow(x[static_cast<size_t>(i)] - s.first / s.second, 2) / s.second;
  }
  std::vector<double> out(x.size());
  for (int64_t i = 0; i < n; ++i) {
    const auto& s = sums[group_of(i)];
    const double mean = rms_scaling ? 0.0 : s.first / s.second;
    double y = (x[static_cast<size_t>(i)] - mean) / std::sqrt(var[group_of(i)] + eps);
    if (!gamma.empty()) y *= gamma[weight_of(i)];
    if (!beta.empty() && !rms_scaling) y += beta[weight_of(i)];
    out[static_cast<size_t>(i)] = y;
  }
  return out;
}

void expect_near_all(const Tensor& got, const std::vector<double>& want, double tol = 1e-5) {
  const auto g = got.to_vector<double>();
  ASSERT_EQ(g.size(), want.size());
  for (size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], want[i], tol * (1 + std::abs(want[i]))) << "at " << i;
}

TEST(LayerNormalization, RunLayerTestEveryMode) {
  run_layer_test([] { return LayerHandle(LayerNormalization()); }, {3, 4, 6}, {3, 4, 6});
  run_layer_test(
      [] {
        return LayerHandle(LayerNormalization({.axis = {1, 2}}));
      },
      {2, 3, 4, 2}, {2, 3, 4, 2}, false, 2);
  run_layer_test([] { return LayerHandle(LayerNormalization({.axis = {-1, 1}})); }, {2, 3, 4}, {2, 3, 4}, false, 3);
  run_layer_test([] { return LayerHandle(LayerNormalization({.epsilon = 1e-5, .center = false, .scale = false})); },
                 {4, 5}, {4, 5}, false, 4);
  run_layer_test([] { return LayerHandle(LayerNormalization({.center = false})); }, {4, 5}, {4, 5}, false, 5);
  run_layer_test([] { return LayerHandle(LayerNormalization({.rms_scaling = true})); }, {3, 3, 6}, {3, 3, 6}, false, 6);
}

TEST(LayerNormalization, ValuesAndGradientsWithWeights) {
  for (const Axes& axis : {Axes(-1), Axes{1, 2}, Axes{1}}) {
    LayerNormalization ln({.axis = axis, .epsilon = 1e-3});
    const Shape shape{2, 3, 4};
    const Tensor x = testing::random_tensor(shape, 7, -2.0, 3.0);
    ln.build_for({Shape{kNone, 3, 4}});
    std::vector<int64_t> axes = axis.values;
    for (auto& a : axes) a = a < 0 ? a + 3 : a;
    std::sort(axes.begin(), axes.end());
    Shape wshape;
    for (int64_t a : axes) wshape.push_back(shape[static_cast<size_t>(a)]);
    const Tensor gamma = testing::random_tensor(wshape, 8, 0.5, 1.5), beta = testing::random_tensor(wshape, 9);
    ln.set_weights({gamma, beta});
    expect_near_all(ln(x), layer_norm_reference(x.to_vector<double>(), shape, axes, gamma.to_vector<double>(),
                                                beta.to_vector<double>(), 1e-3));
    testing::check_layer_gradients(ln, x);
  }
  // rms_scaling: x * rsqrt(var + eps) * gamma, Keras 3.15's (the variance, not mean(x^2)).
  LayerNormalization rms({.rms_scaling = true});
  const Tensor x = testing::random_tensor({3, 5}, 10, 0.0, 4.0);
  rms.build_for({Shape{kNone, 5}});
  ASSERT_EQ(rms.weights().size(), 1u);
  EXPECT_EQ(rms.weights()[0].name(), "gamma");
  const Tensor gamma = testing::random_tensor({5}, 11, 0.5, 1.5);
  rms.set_weights({gamma});
  expect_near_all(rms(x),
                  layer_norm_reference(x.to_vector<double>(), {3, 5}, {1}, gamma.to_vector<double>(), {}, 1e-3, true));
  testing::check_layer_gradients(rms, x);
}

TEST(LayerNormalization, WeightsAndConfig) {
  LayerNormalization ln({.axis = {2, 1}, .name = "ln"});
  ln.build_for({Shape{kNone, 3, 4, 2}});
  ASSERT_EQ(ln.weights().size(), 2u);
  EXPECT_EQ(ln.weights()[0].path(), "ln/gamma");
  EXPECT_EQ(ln.weights()[0].shape(), (Shape{3, 4}));
  EXPECT_EQ(ln.weights()[1].path(), "ln/beta");
  // Keras's keys, in its order; the axes a sorted list once built.
  EXPECT_EQ(
      saving::get_config(ln).dump(),
      R"({"name":"ln","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"axis":[1,2],"epsilon":0.001,"center":true,"scale":true,"rms_scaling":false,"beta_initializer":{"module":"keras.initializers","class_name":"Zeros","config":{},"registered_name":null},"gamma_initializer":{"module":"keras.initializers","class_name":"Ones","config":{},"registered_name":null},"beta_regularizer":null,"gamma_regularizer":null,"beta_constraint":null,"gamma_constraint":null})");
  EXPECT_EQ(saving::get_config(LayerNormalization())["axis"].dump(), "-1");  // as given before build
  // Regularizers and constraints reach the weights.
  LayerNormalization reg({.gamma_regularizer = regularizers::L2(0.5), .beta_constraint = constraints::NonNeg()});
  reg(Tensor::ones({2, 3}));
  EXPECT_EQ(reg.regularization_losses().size(), 1u);
  EXPECT_NE(reg.weights()[1].constraint(), nullptr);
  // No weights without center and scale.
  LayerNormalization bare({.center = false, .scale = false});
  bare(Tensor::ones({2, 3}));
  EXPECT_TRUE(bare.weights().empty());
}

TEST(LayerNormalization, Errors) {
  expect_error<ValueError>([] { LayerNormalization({.epsilon = 0}); }, {"epsilon"});
  expect_error<ValueError>([] { LayerNormalization({.axis = std::vector<int64_t>{}}); }, {"axis"});
  LayerNormalization out_of_range({.axis = 3, .name = "ln_bad"});
  expect_error<ValueError>([&] { out_of_range(Tensor::ones({2, 3})); }, {"Axis 3", "(2, 3)", "ln_bad", "axis=3"});
  LayerNormalization dup({.axis = {1, -1}, .name = "ln_dup"});
  expect_error<ValueError>([&] { dup(Tensor::ones({2, 3})); }, {"Duplicate", "ln_dup", "axis=[1, -1]"});
  LayerNormalization unknown({.name = "ln_unknown"});
  expect_error<ValueError>([&] { unknown.build_for({Shape{kNone, kNone}}); }, {"known size", "ln_unknown"});
}

}  // namespace
}  // namespace keras::layers
