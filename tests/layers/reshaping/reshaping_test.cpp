// Reshape, Permute, RepeatVector.
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::run_layer_test;

TEST(Reshape, ShapesAndErrors) {
  run_layer_test([] { return LayerHandle(Reshape({3, 4})); }, {2, 12}, {2, 3, 4});
  run_layer_test([] { return LayerHandle(Reshape({-1, 4})); }, {2, 2, 3, 4}, {2, 6, 4});
  EXPECT_EQ(Reshape({-1, 2}).compute_output_shape(Shape{kNone, kNone, 4}), Shape({kNone, kNone, 2}));
  testing::expect_error<ValueError>([] { Reshape({-1, -1}); }, {"one unknown dimension"});
  testing::expect_error<ValueError>([] { Reshape({0, 3}); }, {"target_shape"});
  testing::expect_error<ValueError>([] { Reshape({5})(Tensor::ones({2, 12})); }, {"total size", "(2, 12)"});
}

TEST(Permute, DimsAreOneBased) {
  run_layer_test([] { return LayerHandle(Permute({2, 1})); }, {3, 3, 5}, {3, 5, 3});
  run_layer_test([] { return LayerHandle(Permute({3, 1, 2})); }, {3, 2, 3, 4}, {3, 4, 2, 3});
  const Tensor x = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {1, 2, 3});
  EXPECT_EQ(Permute({2, 1})(x).to_vector<float>(), (std::vector<float>{1, 4, 2, 5, 3, 6}));
  testing::expect_error<ValueError>([] { Permute({0, 1}); }, {"start from 1"});
  testing::expect_error<ValueError>([] { Permute({1, 3}); }, {"consecutive"});
}

TEST(RepeatVector, Repeats) {
  run_layer_test([] { return LayerHandle(RepeatVector(3)); }, {2, 4}, {2, 3, 4});
  const auto y = RepeatVector(2)(Tensor::from_vector<float>({1, 2}, {1, 2})).to_vector<float>();
  EXPECT_EQ(y, (std::vector<float>{1, 2, 1, 2}));
  testing::expect_error<ValueError>([] { RepeatVector(0); }, {"`n`"});
  testing::expect_error<ValueError>([] { RepeatVector(2)(Tensor::ones({2, 3, 4})); }, {"expected ndim=2"});
}

}  // namespace
}  // namespace keras::layers
