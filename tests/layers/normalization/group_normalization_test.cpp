#include "keras/layers/normalization/group_normalization.h"

#include <cmath>
#include <map>

#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;
using testing::run_layer_test;

/// Group normalization in double precision: channels on `axis` (non-negative) split in
/// `groups`; statistics per (sample, group) over everything else.
std::vector<double> group_norm_reference(const Tensor& xt, int64_t axis, int64_t groups,
                                         const std::vector<double>& gamma, const std::vector<double>& beta,
                                         double eps) {
  const auto x = xt.to_vector<double>();
  const Shape& shape = xt.shape();
  int64_t inner = 1;  // elements after the channel axis
  for (int64_t d = axis + 1; d < shape.rank(); ++d) inner *= shape[static_cast<size_t>(d)];
  const int64_t channels = shape[static_cast<size_t>(axis)], per_sample = static_cast<int64_t>(x.size()) / shape[0];
  auto channel_of = [&](int64_t i) { return i / inner % channels; };
  auto key = [&](int64_t i) { return std::pair{i / per_sample, channel_of(i) / (channels / groups)}; };
  std::map<std::pair<int64_t, int64_t>, std::vector<double>> members;
  for (int64_t i = 0; i < static_cast<int64_t>(x.size()); ++i) members[key(i)].push_back(x[static_cast<size_t>(i)]);
  std::vector<double> out(x.size());
  for (int64_t i = 0; i < static_cast<int64_t>(x.size()); ++i) {
    const auto& m = members[key(i)];
    double mean = 0, var = 0;
    for (double v : m) mean += v / static_cast<double>(m.size());
    for (double v : m) var += (v - mean) * (v - mean) / static_cast<double>(m.size());
    const auto c = static_cast<size_t>(channel_of(i));
    double y = (x[static_cast<size_t>(i)] - mean) / std::sqrt(var + eps);
    if (!gamma.empty()) y *= gamma[c];
    if (!beta.empty()) y += beta[c];
    out[static_cast<size_t>(i)] = y;
  }
  return out;
}

void expect_near_all(const Tensor& got, const std::vector<double>& want) {
  const auto g = got.to_vector<double>();
  ASSERT_EQ(g.size(), want.size());
  for (size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], want[i], 1e-5 * (1 + std::abs(want[i]))) << "at " << i;
}

TEST(GroupNormalization, RunLayerTestEveryMode) {
  run_layer_test([] { return LayerHandle(GroupNormalization(2)); }, {2, 3, 3, 4}, {2, 3, 3, 4});
  run_layer_test([] { return LayerHandle(GroupNormalization(1, {.scale = false})); }, {2, 3, 6}, {2, 3, 6}, false, 2);
  run_layer_test([] { return LayerHandle(GroupNormalization(-1)); }, {3, 5, 3}, {3, 5, 3}, false, 3);  // instance
  run_layer_test([] { return LayerHandle(GroupNormalization(3, {.axis = 1, .center = false})); }, {2, 6, 4}, {2, 6, 4},
                 false, 4);
}

TEST(GroupNormalization, ValuesAgainstDoublePrecision) {
  struct Mode {
    int64_t groups, axis;
    Shape shape;
  };
  for (const Mode& m : {Mode{2, -1, {2, 3, 4, 4}}, Mode{1, -1, {2, 5, 6}}, Mode{-1, -1, {3, 6, 3}},
                        Mode{3, 1, {2, 6, 5}}, Mode{2, 2, {2, 3, 4, 5}}}) {
    SCOPED_TRACE(m.shape.to_string());
    GroupNormalization gn(m.groups, {.axis = m.axis, .epsilon = 1e-3});
    const Tensor x = testing::random_tensor(m.shape, 20 + m.groups, -2.0, 3.0);
    gn.build_for({m.shape});
    const int64_t axis = m.axis < 0 ? m.axis + m.shape.rank() : m.axis;
    const int64_t channels = m.shape[static_cast<size_t>(axis)];
    const Tensor gamma = testing::random_tensor({channels}, 30, 0.5, 1.5),
                 beta = testing::random_tensor({channels}, 31);
    gn.set_weights({gamma, beta});
    expect_near_all(
        gn(x), group_norm_reference(x, axis, gn.groups(), gamma.to_vector<double>(), beta.to_vector<double>(), 1e-3));
    testing::check_layer_gradients(gn, x);
  }
}

TEST(GroupNormalization, WeightsAndConfig) {
  GroupNormalization gn(-1, {.epsilon = 1e-5, .name = "gn"});
  EXPECT_EQ(saving::get_config(gn)["groups"], -1);
  gn.build_for({Shape{kNone, 6, 3}});
  EXPECT_EQ(gn.groups(), 3);  // Keras writes the channel count once built
  ASSERT_EQ(gn.weights().size(), 2u);
  EXPECT_EQ(gn.weights()[0].path(), "gn/gamma");
  EXPECT_EQ(gn.weights()[1].path(), "gn/beta");
  EXPECT_EQ(
      saving::get_config(gn).dump(),
      R"({"name":"gn","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"groups":3,"axis":-1,"epsilon":1e-05,"center":true,"scale":true,"beta_initializer":{"module":"keras.initializers","class_name":"Zeros","config":{},"registered_name":null},"gamma_initializer":{"module":"keras.initializers","class_name":"Ones","config":{},"registered_name":null},"beta_regularizer":null,"gamma_regularizer":null,"beta_constraint":null,"gamma_constraint":null})");
  GroupNormalization no_scale(2, {.scale = false});
  no_scale(Tensor::ones({1, 4}));
  ASSERT_EQ(no_scale.weights().size(), 1u);
  EXPECT_EQ(no_scale.weights()[0].name(), "beta");
  // The input spec pins the rank and the channel count.
  expect_error<ValueError>([&] { no_scale(Tensor::ones({1, 6})); }, {"axis"});
}

TEST(GroupNormalization, Errors) {
  expect_error<ValueError>([] { GroupNormalization(0); }, {"groups=0", "positive integer"});
  expect_error<ValueError>([] { GroupNormalization(-2); }, {"groups=-2"});
  GroupNormalization not_dividing(4, {.name = "gn_div"});
  expect_error<ValueError>([&] { not_dividing(Tensor::ones({2, 6})); }, {"groups (4)", "channels (6)", "gn_div"});
  GroupNormalization too_many(8, {.name = "gn_many"});
  expect_error<ValueError>([&] { too_many(Tensor::ones({2, 6})); }, {"groups (8)", "more than", "gn_many"});
  GroupNormalization bad_axis(2, {.axis = 4, .name = "gn_axis"});
  expect_error<ValueError>([&] { bad_axis(Tensor::ones({2, 3, 4})); }, {"Axis 4", "gn_axis", "(2, 3, 4)"});
  GroupNormalization unknown(2, {.name = "gn_unknown"});
  expect_error<ValueError>([&] { unknown.build_for({Shape{kNone, kNone}}); }, {"defined dimension", "gn_unknown"});
}

}  // namespace
}  // namespace keras::layers
