#include "keras/layers/core/dense.h"

#include <cmath>

#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;

TEST(Dense, ShapesAndWeights) {
  Dense d(4, "relu");
  Tensor y = d(Tensor::ones({3, 5}));
  EXPECT_EQ(y.shape(), Shape({3, 4}));
  ASSERT_EQ(d.weights().size(), 2u);
  EXPECT_EQ(d.weights()[0].name(), "kernel");
  EXPECT_EQ(d.weights()[0].shape(), Shape({5, 4}));
  EXPECT_EQ(d.weights()[1].name(), "bias");
  EXPECT_EQ(d.weights()[1].shape(), Shape({4}));
  EXPECT_EQ(d.count_params(), 24);
  EXPECT_EQ(d.compute_output_shape(Shape{kNone, 7, 5}), Shape({kNone, 7, 4}));
  // Dense acts on the last axis of N-D input.
  EXPECT_EQ(d(Tensor::ones({2, 6, 5})).shape(), Shape({2, 6, 4}));
}

TEST(Dense, NoBias) {
  Dense d(3, {.use_bias = false});
  d(Tensor::ones({1, 2}));
  EXPECT_EQ(d.weights().size(), 1u);
}

TEST(Dense, ComputesXWPlusB) {
  Dense d(2);
  d(Tensor::ones({1, 3}));
  d.set_weights({Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {3, 2}), Tensor::from_vector<float>({0.5f, -1.f})});
  const auto y = d(Tensor::from_vector<float>({1, 1, 2}, {1, 3})).to_vector<float>();
  EXPECT_FLOAT_EQ(y[0], 1 + 3 + 10 + 0.5f);
  EXPECT_FLOAT_EQ(y[1], 2 + 4 + 12 - 1.f);
}

TEST(Dense, GlorotUniformDefault) {
  Dense d(200);
  d(Tensor::ones({1, 300}));
  const auto k = d.get_weights()[0].to_vector<float>();
  const double limit = std::sqrt(6.0 / (300 + 200));
  double sum = 0, sq = 0;
  for (float v : k) {
    EXPECT_LE(std::fabs(v), limit);
    sum += v;
    sq += v * v;
  }
  const double n = static_cast<double>(k.size());
  EXPECT_NEAR(sum / n, 0.0, 0.005);
  EXPECT_NEAR(sq / n, limit * limit / 3.0, 0.05 * limit * limit / 3.0);  // variance of U(-l, l)
  for (float b : d.get_weights()[1].to_vector<float>()) EXPECT_EQ(b, 0.f);
}

TEST(Dense, SeededInitializerRepeats) {
  Dense a(3, {.kernel_initializer = initializers::GlorotUniform(5)});
  Dense b(3, {.kernel_initializer = initializers::GlorotUniform(5)});
  a(Tensor::ones({1, 4}));
  b(Tensor::ones({1, 4}));
  EXPECT_EQ(a.get_weights()[0].to_vector<float>(), b.get_weights()[0].to_vector<float>());
}

TEST(Dense, Gradients) {
  Dense d(3, "tanh");
  testing::check_layer_gradients(d, testing::random_tensor({4, 5}, 1));
  Dense seq(2, "sigmoid");
  testing::check_layer_gradients(seq, testing::random_tensor({2, 3, 4}, 2));
}

TEST(Dense, Errors) {
  expect_error<ValueError>([] { Dense(0); }, {"units", "Received: units=0"});
  Dense d(3, {.name = "my_dense"});
  expect_error<ValueError>([&] { d(Tensor::ones({4})); }, {"my_dense", "min_ndim=2", "found ndim=1", "(4,)"});
  d(Tensor::ones({2, 8}));
  expect_error<ValueError>([&] { d(Tensor::ones({2, 5})); },
                           {"Input 0 of layer \"my_dense\"", "axis -1", "value 8", "(2, 5)"});
  expect_error<ValueError>([&] { d.set_weights({Tensor::ones({8, 3})}); }, {"my_dense", "length 1", "expecting 2"});
  expect_error<ValueError>([&] { d.set_weights({Tensor::ones({3, 8}), Tensor::ones({3})}); },
                           {"my_dense", "(8, 3)", "(3, 8)"});
  expect_error<ValueError>([] { Dense(2, "relux"); }, {"relux"});
}

}  // namespace
}  // namespace keras::layers
