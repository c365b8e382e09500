#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;

TEST(Merging, ValuesAndShapes) {
  const Tensor a = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2}), b = Tensor::from_vector<float>({4, 3, 2, 1}, {2, 2});
  EXPECT_EQ(Add()({a, b})[0].to_vector<float>(), (std::vector<float>{5, 5, 5, 5}));
  EXPECT_EQ(Subtract()({a, b})[0].to_vector<float>(), (std::vector<float>{-3, -1, 1, 3}));
  EXPECT_EQ(Multiply()({a, b})[0].to_vector<float>(), (std::vector<float>{4, 6, 6, 4}));
  EXPECT_EQ(Average()({a, b, a})[0].to_vector<float>(), (std::vector<float>{2, 7.f / 3, 8.f / 3, 3}));
  EXPECT_EQ(Maximum()({a, b})[0].to_vector<float>(), (std::vector<float>{4, 3, 3, 4}));
  EXPECT_EQ(Minimum()({a, b})[0].to_vector<float>(), (std::vector<float>{1, 2, 2, 1}));
  EXPECT_EQ(Concatenate()({a, b})[0].shape(), Shape({2, 4}));
  EXPECT_EQ(Concatenate(0)({a, b})[0].shape(), Shape({4, 2}));
  // Lower-rank inputs are expanded at axis 1, as Keras does: (2, 2) with (2, 3, 2).
  const Tensor c = Tensor::ones({2, 3, 2});
  EXPECT_EQ(Add()({a, c})[0].shape(), Shape({2, 3, 2}));
  EXPECT_EQ(Add().compute_output_shape({Shape{kNone, 2}, Shape{kNone, 3, 2}})[0], Shape({kNone, 3, 2}));
  EXPECT_EQ(Concatenate().compute_output_shape({Shape{kNone, 5}, Shape{kNone, kNone}})[0], Shape({kNone, kNone}));
}

TEST(Merging, Gradients) {
  auto g = [](Layer& layer, TensorList xs) {
    for (auto& x : xs) x.set_requires_grad(true);
    testing::check_gradients([&](const TensorList& in) { return layer(in)[0]; }, xs);
  };
  Add add;
  g(add, {testing::random_tensor({2, 3}, 1), testing::random_tensor({2, 3}, 2), testing::random_tensor({2, 3}, 3)});
  Subtract sub;
  g(sub, {testing::random_tensor({2, 3}, 4), testing::random_tensor({2, 3}, 5)});
  Multiply mul;
  g(mul, {testing::random_tensor({2, 3}, 6), testing::random_tensor({2, 1, 3}, 7)});
  Average avg;
  g(avg, {testing::random_tensor({2, 3}, 8), testing::random_tensor({2, 3}, 9)});
  Maximum mx;
  g(mx, {testing::distinct_tensor({2, 3}, 10), testing::distinct_tensor({2, 3}, 11) + 0.01});
  Minimum mn;
  g(mn, {testing::distinct_tensor({2, 3}, 12), testing::distinct_tensor({2, 3}, 13) + 0.01});
  Concatenate cat(1);
  g(cat, {testing::random_tensor({2, 3, 2}, 14), testing::random_tensor({2, 1, 2}, 15)});
}

TEST(Merging, Errors) {
  expect_error<ValueError>([] { Subtract()({Tensor::ones({2, 3}), Tensor::ones({2, 3}), Tensor::ones({2, 3})}); },
                           {"exactly 2 inputs"});
  expect_error<ValueError>([] { Add({.name = "plus"})({Tensor::ones({2, 3}), Tensor::ones({2, 4})}); },
                           {"incompatible shapes", "(3,)", "(4,)", "plus"});
  expect_error<ValueError>([] { Add()({Tensor::ones({2, 3}), Tensor::ones({5, 3})}); }, {"different batch sizes"});
  expect_error<ValueError>([] { Concatenate()({Tensor::ones({2, 3}), Tensor::ones({2, 3, 1})}); },
                           {"matching shapes except for the concatenation axis", "(2, 3)", "(2, 3, 1)"});
  expect_error<ValueError>([] { Concatenate(1)({Tensor::ones({2, 3}), Tensor::ones({4, 3})}); }, {"Concatenate"});
}

}  // namespace
}  // namespace keras::layers
