// The Dot merge layer: Keras's batch_dot shapes, normalize, gradients, configs, errors.
#include "keras/layers/merging/dot.h"

#include <cmath>

#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;

std::vector<float> values(const Tensor& t) { return t.to_vector<float>(); }

TEST(Dot, VectorsGiveOneColumn) {
  const Tensor a = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = Tensor::from_vector<float>({1, 0, 1, 2, 1, 0}, {2, 3});
  const Tensor y = Dot(1)({a, b})[0];
  EXPECT_EQ(y.shape(), Shape({2, 1}));
  EXPECT_EQ(values(y), (std::vector<float>{4, 13}));
  EXPECT_EQ(values(Dot(-1)({a, b})[0]), (std::vector<float>{4, 13}));
}

TEST(Dot, KerasDocstringShapes) {
  // (1, 5, 2) and (1, 2, 5) with axes (1, 2): (1, 2, 2).
  std::vector<float> xv(10), yv(10);
  for (int i = 0; i < 10; ++i)
    xv[static_cast<size_t>(i)] = static_cast<float>(i), yv[static_cast<size_t>(i)] = static_cast<float>(10 + i);
  const Tensor x = Tensor::from_vector(xv, {1, 5, 2}), y = Tensor::from_vector(yv, {1, 2, 5});
  const Tensor out = Dot({1, 2})({x, y})[0];
  EXPECT_EQ(out.shape(), Shape({1, 2, 2}));
  EXPECT_EQ(values(out), (std::vector<float>{260, 360, 320, 445}));  // Keras's docstring values
  // (2, 3, 4) . (2, 5, 4) on axes (2, 2): (2, 3, 5), each entry a row product.
  const Tensor p = testing::random_tensor({2, 3, 4}, 1), q = testing::random_tensor({2, 5, 4}, 2);
  const Tensor r = Dot({2, 2})({p, q})[0];
  EXPECT_EQ(r.shape(), Shape({2, 3, 5}));
  testing::expect_allclose(r, ops::matmul(p, ops::transpose(q, {0, 2, 1})), 1e-6, 1e-6);
  // Rank 2 with rank 3, and rank 4 with rank 3 (other axes kept in order).
  EXPECT_EQ(Dot({1, 1}).compute_output_shape({Shape{kNone, 4}, Shape{kNone, 4, 6}})[0], Shape({kNone, 6}));
  EXPECT_EQ(Dot({2, 1}).compute_output_shape({Shape{kNone, 3, 4, 5}, Shape{kNone, 4, 6}})[0], Shape({kNone, 3, 5, 6}));
  const Tensor big = testing::random_tensor({2, 3, 4, 5}, 3), small = testing::random_tensor({2, 4, 6}, 4);
  const Tensor z = Dot({2, 1})({big, small})[0];
  EXPECT_EQ(z.shape(), Shape({2, 3, 5, 6}));
  const auto bv = values(big), sv = values(small), zv = values(z);
  for (int n = 0; n < 2; ++n)
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 5; ++k)
        for (int j = 0; j < 6; ++j) {
          double want = 0;
          for (int m = 0; m < 4; ++m)
            want +=
                bv[static_cast<size_t>(((n * 3 + i) * 4 + m) * 5 + k)] * sv[static_cast<size_t>((n * 4 + m) * 6 + j)];
          EXPECT_NEAR(zv[static_cast<size_t>(((n * 3 + i) * 5 + k) * 6 + j)], want, 1e-5);
        }
}

TEST(Dot, NormalizeGivesCosineSimilarity) {
  const Tensor a = Tensor::from_vector<float>({3, 4, 1, 0}, {2, 2}),
               b = Tensor::from_vector<float>({4, 3, 0, 2}, {2, 2});
  const auto y = values(Dot(-1, {.normalize = true})({a, b})[0]);
  EXPECT_NEAR(y[0], 24.0 / 25.0, 1e-6);
  EXPECT_NEAR(y[1], 0.0, 1e-6);
  // A zero vector stays finite (Keras clamps the squared norm at epsilon^2).
  const auto z = values(Dot(1, {.normalize = true})({Tensor::zeros({1, 3}), Tensor::ones({1, 3})})[0]);
  EXPECT_EQ(z[0], 0.f);
}

TEST(Dot, Gradients) {
  auto check = [](Dot& layer, TensorList xs) {
    for (auto& x : xs) x.set_requires_grad(true);
    testing::check_gradients([&](const TensorList& in) { return layer(in)[0]; }, xs);
  };
  Dot plain(1);
  check(plain, {testing::random_tensor({3, 5}, 5), testing::random_tensor({3, 5}, 6)});
  Dot pair({2, 2});
  check(pair, {testing::random_tensor({2, 3, 4}, 7), testing::random_tensor({2, 5, 4}, 8)});
  Dot mixed({1, 2});
  check(mixed, {testing::random_tensor({2, 4, 3}, 9), testing::random_tensor({2, 2, 4}, 10)});
  Dot cosine(-1, {.normalize = true});
  check(cosine, {testing::random_tensor({3, 6}, 11), testing::random_tensor({3, 6}, 12)});
}

TEST(Dot, InAModelAndConfig) {
  auto a = Input({4}), b = Input({4});
  auto out = Dense(2)(Dot(1, {.name = "d"})({a, b}));
  Model model({a, b}, out);
  model.compile("sgd", "mse");
  const double loss = model
                          .train_on_batch({testing::random_tensor({3, 4}, 1), testing::random_tensor({3, 4}, 2)},
                                          {Tensor::zeros({3, 2})})
                          .at("loss");
  EXPECT_TRUE(std::isfinite(loss));

  Config c = Dot({2, 2}, {.normalize = true, .name = "dd"}).get_config();
  std::vector<std::string> keys;
  for (const auto& [k, v] : c.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "trainable", "dtype", "axes", "normalize"}));
  EXPECT_EQ(c["axes"].dump(), "[2,2]");
  EXPECT_EQ(Dot(-1).get_config()["axes"].dump(), "-1");
  const auto copy = Dot::from_config(c);
  const auto& d = dynamic_cast<const Dot&>(*copy);
  EXPECT_TRUE(d.axes().is_pair);
  EXPECT_TRUE(d.normalize());
  EXPECT_EQ(d.get_config().dump(), c.dump());
  EXPECT_EQ(Dot::from_config(Dot(1).get_config())->get_config()["axes"].dump(), "1");
}

TEST(Dot, Errors) {
  expect_error<ValueError>(
      [] {
        Dot({2, 2}, {.name = "dd"})({Tensor::ones({2, 3, 4}), Tensor::ones({2, 5, 5})});
      },
      {"Incompatible input shapes", "axis values 4 (at axis 2) != 5 (at axis 2)", "dd"});
  expect_error<ValueError>(
      [] {
        Dot(1).compute_output_shape({Shape{kNone, 3}, Shape{kNone, 4}});
      },
      {"Incompatible input shapes", "(None, 3)", "(None, 4)"});
  expect_error<ValueError>([] { Dot(0)({Tensor::ones({2, 3}), Tensor::ones({2, 3})}); }, {"axis 0"});
  expect_error<ValueError>(
      [] {
        Dot(1)({Tensor::ones({2, 3}), Tensor::ones({2, 3}), Tensor::ones({2, 3})});
      },
      {"list of 2 inputs"});
  expect_error<ValueError>([] { Dot(1)({Tensor::ones({2, 3}), Tensor::ones({4, 3})}); }, {"different batch sizes"});
  expect_error<ValueError>([] { Dot(3)({Tensor::ones({2, 3}), Tensor::ones({2, 3})}); }, {"Invalid axis 3"});
  expect_error<ValueError>([] { Dot({1, 2, 3}); }, {"axes", "two elements"});
  expect_error<IOError>([] { Dot::from_config(Config::parse(R"({"name": "x", "axes": [1, 2, 3]})")); }, {"axes"});
}

}  // namespace
}  // namespace keras::layers
