#include "keras/layers/preprocessing/normalization.h"

#include <cmath>

#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;
using testing::run_layer_test;

/// NumPy's mean and (biased) var of a (n, features) array, per feature, in double.
std::pair<std::vector<double>, std::vector<double>> column_stats(const Tensor& data) {
  const auto v = data.to_vector<double>();
  const auto n = static_cast<size_t>(data.dim(0)), f = v.size() / n;
  std::vector<double> mean(f, 0.0), var(f, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < f; ++j) mean[j] += v[i * f + j] / static_cast<double>(n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < f; ++j) var[j] += std::pow(v[i * f + j] - mean[j], 2) / static_cast<double>(n);
  return {mean, var};
}

void expect_near_vec(const Tensor& got, const std::vector<double>& want, double tol, const std::string& what) {
  const auto g = got.to_vector<double>();
  ASSERT_EQ(g.size(), want.size()) << what;
  for (size_t i = 0; i < g.size(); ++i)
    EXPECT_NEAR(g[i], want[i], tol * (1 + std::abs(want[i]))) << what << " at " << i;
}

TEST(Normalization, RunLayerTestGivenAndAdapted) {
  run_layer_test(
      [] {
        return LayerHandle(Normalization({.mean = {0.5, -1.0, 2.0}, .variance = {4.0, 0.25, 1.0}}));
      },
      {3, 5, 3}, {3, 5, 3});
  run_layer_test(
      [] {
        return LayerHandle(Normalization({.mean = {1.0, 2.0}, .variance = {4.0, 9.0}, .invert = true}));
      },
      {4, 2}, {4, 2}, false, 2);
  run_layer_test(
      [] {
        Normalization n({.axis = {1, 3}});
        n.adapt(testing::random_tensor({20, 3, 4, 2}, 3, -2.0, 5.0));
        return LayerHandle(std::move(n));
      },
      {3, 3, 4, 2}, {3, 3, 4, 2}, false, 4);
  run_layer_test(
      [] {
        Normalization n({.axis = std::vector<int64_t>{}});  // Keras's axis=None: one mean and variance
        n.adapt(testing::random_tensor({10, 3}, 5, 0.0, 4.0));
        return LayerHandle(std::move(n));
      },
      {3, 3}, {3, 3}, false, 6);
}

TEST(Normalization, AdaptMatchesNumpyStatistics) {
  const Tensor data = testing::random_tensor({50, 4}, 11, -3.0, 7.0);
  Normalization norm;
  norm.adapt(data);
  const auto [mean, var] = column_stats(data);
  ASSERT_EQ(norm.weights().size(), 3u);
  expect_near_vec(norm.weights()[0].value(), mean, 1e-5, "mean");
  expect_near_vec(norm.weights()[1].value(), var, 1e-5, "variance");
  EXPECT_EQ(norm.weights()[2].dtype(), DType::int32);
  EXPECT_EQ(norm.weights()[2].value().item<int>(), 0);  // Keras never counts
  // y = (x - mean) / sqrt(var)
  const Tensor x = testing::random_tensor({3, 4}, 12);
  std::vector<double> want;
  const auto xv = x.to_vector<double>();
  for (size_t i = 0; i < xv.size(); ++i) want.push_back((xv[i] - mean[i % 4]) / std::sqrt(var[i % 4]));
  expect_near_vec(norm(x), want, 1e-5, "output");

  // Batches of different sizes give the statistics of all the data (Keras's merge).
  Normalization batched;
  batched.adapt(TensorList{ops::slice_rows(data, 0, 7), ops::slice_rows(data, 7, 20), ops::slice_rows(data, 20, 50)});
  expect_near_vec(batched.mean(), mean, 1e-5, "batched mean");
  expect_near_vec(batched.variance(), var, 1e-5, "batched variance");
  // Adapting again starts over.
  batched.adapt(ops::slice_rows(data, 0, 10));
  const auto [m10, v10] = column_stats(ops::slice_rows(data, 0, 10));
  expect_near_vec(batched.mean(), m10, 1e-5, "re-adapted mean");
}

TEST(Normalization, AdaptKeepsSeveralAxes) {
  // axis (1, 3) on (20, 3, 4, 2): statistics per (row, channel), over the batch and axis 2.
  const Tensor data = testing::random_tensor({20, 3, 4, 2}, 13, -1.0, 4.0);
  Normalization norm({.axis = {1, 3}});
  norm.adapt(data);
  EXPECT_EQ(norm.weights()[0].shape(), (Shape{3, 2}));
  EXPECT_EQ(norm.mean().shape(), (Shape{1, 3, 1, 2}));
  // As columns: (20, 3, 4, 2) -> transpose to (20, 4, 3, 2) -> (80, 6).
  const Tensor cols = ops::reshape(ops::transpose(data, {0, 2, 1, 3}), Shape{80, 6});
  const auto [mean, var] = column_stats(cols);
  expect_near_vec(norm.weights()[0].value(), mean, 1e-5, "mean");
  expect_near_vec(norm.weights()[1].value(), var, 1e-5, "variance");
  // The same from batches of 5, 5 and 10 samples.
  Normalization batched({.axis = {3, 1}});
  batched.adapt(TensorList{ops::slice_rows(data, 0, 5), ops::slice_rows(data, 5, 10), ops::slice_rows(data, 10, 20)});
  expect_near_vec(batched.weights()[1].value(), var, 1e-5, "batched variance");
}

TEST(Normalization, GivenStatisticsBroadcastFromTheRight) {
  // A scalar mean / variance.
  Normalization scalar({.mean = 2.0, .variance = 4.0});
  expect_near_vec(scalar(Tensor::full({2, 3}, 4.0)), std::vector<double>(6, 1.0), 1e-6, "scalar");
  EXPECT_TRUE(scalar.weights().empty());
  // A (3, 2) mean for axis (1, 3) of (2, 3, 4, 2); a (2,) mean lines up with axis 3.
  std::vector<double> m(6), v(6, 4.0);
  for (int i = 0; i < 6; ++i) m[static_cast<size_t>(i)] = i;
  Normalization two_d({.axis = {1, 3}, .mean = FloatArray(m, {3, 2}), .variance = FloatArray(v, {3, 2})});
  const Tensor x = testing::random_tensor({2, 3, 4, 2}, 14);
  const auto xv = x.to_vector<double>(), y = two_d(x).to_vector<double>();
  for (size_t i = 0; i < xv.size(); ++i) {
    const size_t row = i / 8 % 3, ch = i % 2;
    EXPECT_NEAR(y[i], (xv[i] - m[row * 2 + ch]) / 2.0, 1e-6);
  }
  Normalization one_d({.axis = {1, 3}, .mean = {1.0, 3.0}, .variance = {1.0, 1.0}});
  const auto y1 = one_d(x).to_vector<double>();
  for (size_t i = 0; i < xv.size(); ++i) EXPECT_NEAR(y1[i], xv[i] - (i % 2 ? 3.0 : 1.0), 1e-6);
  // invert undoes normalize; integers become floats.
  Normalization fwd({.mean = {1.0, 2.0}, .variance = {4.0, 9.0}});
  Normalization inv({.mean = {1.0, 2.0}, .variance = {4.0, 9.0}, .invert = true});
  const Tensor z = Tensor::from_vector(std::vector<int32_t>{3, 5, -1, 2}, Shape{2, 2});
  const Tensor back = inv(fwd(z));
  EXPECT_EQ(back.dtype(), DType::float32);
  expect_near_vec(back, {3, 5, -1, 2}, 1e-6, "invert");
  expect_near_vec(inv(Tensor::ones({1, 2})), {1 + 2, 2 + 3}, 1e-6, "x * sqrt(var) + mean");
}

TEST(Normalization, ConfigAsKerasWritesIt) {
  Normalization given({.axis = {1, 3},
                       .mean = FloatArray({0, 1, 2, 3, 4, 5}, {3, 2}),
                       .variance = FloatArray({1, 1, 1, 1, 1, 1}, {3, 2}),
                       .name = "n"});
  EXPECT_EQ(
      saving::get_config(given).dump(),
      R"({"name":"n","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"axis":[1,3],"invert":false,"mean":[[0.0,1.0],[2.0,3.0],[4.0,5.0]],"variance":[[1.0,1.0],[1.0,1.0],[1.0,1.0]]})");
  const Config plain = saving::get_config(Normalization());
  EXPECT_EQ(plain["axis"].dump(), "[-1]");
  EXPECT_TRUE(plain["mean"].is_null());
  EXPECT_EQ(saving::get_config(Normalization({.axis = std::vector<int64_t>{}}))["axis"].dump(), "[]");
  EXPECT_EQ(saving::get_config(Normalization({.mean = 0.5, .variance = 2.0}))["mean"].dump(), "0.5");
  // Read back: nested lists, None axis.
  const auto back = std::dynamic_pointer_cast<Normalization>(saving::deserialize_layer(saving::serialize_layer(given)));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->options().mean.shape, (std::vector<int64_t>{3, 2}));
  const Config ragged = Config::parse(
      R"({"class_name":"Normalization","config":{"name":"r","axis":[-1],"mean":[[1,2],[3]],"variance":[[1,2],[3]]}})");
  expect_error<IOError>([&] { saving::deserialize_layer(ragged); }, {"\"r\"", "mean", "rectangular"});
  const Config none_axis = Config::parse(R"({"class_name":"Normalization","config":{"name":"a","axis":null}})");
  EXPECT_TRUE(
      std::dynamic_pointer_cast<Normalization>(saving::deserialize_layer(none_axis))->options().axis.values.empty());
}

TEST(Normalization, Errors) {
  expect_error<ValueError>([] { Normalization({.mean = 1.0}); }, {"both `mean` and `variance`", "variance=None"});
  expect_error<ValueError>([] { Normalization({.mean = {1.0, 2.0}, .variance = 1.0}); }, {"same shape", "(2,)"});
  expect_error<ValueError>(
      [] {
        Normalization({.mean = FloatArray({1, 2, 3, 4}, {2, 2}), .variance = FloatArray({1, 2, 3, 4}, {2, 2})});
      },
      {"rank of `mean`", "number of axes (1)"});
  Normalization wrong_size({.mean = {1.0, 2.0}, .variance = {1.0, 1.0}, .name = "n_size"});
  expect_error<ValueError>([&] { wrong_size(Tensor::ones({2, 3})); }, {"`mean`", "(2,)", "(2, 3)", "n_size"});
  Normalization bad_axis({.axis = 2, .name = "n_axis"});
  expect_error<ValueError>([&] { bad_axis(Tensor::ones({2, 3})); }, {"Axis 2", "n_axis", "(2, 3)"});
  // adapt: data of another rank or another size on a kept axis than the layer was built for.
  Normalization built({.name = "n_built"});
  built.adapt(Tensor::ones({4, 3}));
  expect_error<ValueError>(
      [&] {
        built.adapt(Tensor::ones({4, 3, 1}));
      },
      {"input_shape=(4, 3)", "data.shape=(4, 3, 1)", "n_built"});
  expect_error<ValueError>([&] { built.adapt(Tensor::ones({4, 5})); }, {"incompatible shape", "(4, 5)"});
  expect_error<ValueError>(
      [&] {
        built.adapt(TensorList{Tensor::ones({2, 3}), Tensor::ones({2, 2})});
      },
      {"incompatible shape", "(2, 2)"});
  expect_error<ValueError>([&] { built.adapt(TensorList{}); }, {"empty"});
  expect_error<ValueError>([] { Normalization().adapt(Tensor::scalar(1.0)); }, {"rank >= 1", "()"});
  Normalization given({.mean = 1.0, .variance = 1.0, .name = "n_given"});
  expect_error<ValueError>([&] { given.adapt(Tensor::ones({2, 2})); }, {"adapt()", "`mean`", "n_given"});
}

}  // namespace
}  // namespace keras::layers
