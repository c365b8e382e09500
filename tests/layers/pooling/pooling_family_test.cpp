// All pooling layers: shapes, values, gradients in every mode, config round trip.
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::run_layer_test;

TEST(Pooling, MaxAndAverageInEveryRank) {
  run_layer_test([] { return LayerHandle(MaxPooling1D()); }, {2, 7, 3}, {2, 3, 3}, false, 1, true);
  run_layer_test([] { return LayerHandle(MaxPooling1D(3, {.strides = 1, .padding = "same"})); }, {2, 7, 2}, {2, 7, 2},
                 false, 2, true);
  run_layer_test([] { return LayerHandle(MaxPooling3D()); }, {1, 4, 4, 4, 2}, {1, 2, 2, 2, 2}, false, 3, true);
  run_layer_test([] { return LayerHandle(MaxPooling3D(2, {.strides = {1, 2, 2}, .padding = "same"})); }, {1, 3, 5, 5, 2},
                 {1, 3, 3, 3, 2}, false, 4, true);
  run_layer_test([] { return LayerHandle(AveragePooling1D()); }, {2, 10, 3}, {2, 5, 3});
  run_layer_test([] { return LayerHandle(AveragePooling1D(3, {.strides = 2, .padding = "same"})); }, {2, 9, 2}, {2, 5, 2});
  run_layer_test([] { return LayerHandle(AveragePooling2D()); }, {2, 6, 6, 3}, {2, 3, 3, 3});
  run_layer_test([] { return LayerHandle(AveragePooling2D(3, {.strides = 2, .padding = "same"})); }, {2, 7, 7, 2},
                 {2, 4, 4, 2});
  run_layer_test([] { return LayerHandle(AveragePooling3D(2, {.strides = 1, .padding = "same"})); }, {1, 3, 3, 3, 2},
                 {1, 3, 3, 3, 2});
}

TEST(Pooling, SameAverageDividesByRealCells) {
  // A corner window of a 3x3 "same" pool on ones covers padding, yet averages to 1.
  const auto y = AveragePooling2D(3, {.strides = 1, .padding = "same"})(Tensor::ones({1, 4, 4, 1})).to_vector<float>();
  for (float v : y) EXPECT_FLOAT_EQ(v, 1.f);
  const auto m = AveragePooling1D(2)(Tensor::from_vector<float>({1, 3, 5, 9}, {1, 4, 1})).to_vector<float>();
  EXPECT_EQ(m, (std::vector<float>{2, 7}));
}

TEST(Pooling, Global) {
  run_layer_test([] { return LayerHandle(GlobalAveragePooling1D()); }, {2, 7, 4}, {2, 4});
  run_layer_test([] { return LayerHandle(GlobalAveragePooling1D({.keepdims = true})); }, {2, 6, 3}, {2, 1, 3});
  run_layer_test([] { return LayerHandle(GlobalAveragePooling2D()); }, {2, 4, 6, 2}, {2, 2});
  run_layer_test([] { return LayerHandle(GlobalAveragePooling2D({.keepdims = true})); }, {2, 5, 5, 3}, {2, 1, 1, 3});
  run_layer_test([] { return LayerHandle(GlobalAveragePooling3D()); }, {1, 3, 4, 4, 2}, {1, 2});
  run_layer_test([] { return LayerHandle(GlobalMaxPooling1D()); }, {2, 7, 4}, {2, 4}, false, 5, true);
  run_layer_test([] { return LayerHandle(GlobalMaxPooling2D({.keepdims = true})); }, {2, 4, 6, 2}, {2, 1, 1, 2}, false, 6,
                 true);
  run_layer_test([] { return LayerHandle(GlobalMaxPooling3D({.keepdims = true})); }, {1, 3, 4, 4, 2}, {1, 1, 1, 1, 2},
                 false, 7, true);
  const auto v = GlobalMaxPooling1D()(Tensor::from_vector<float>({1, 5, 3, 2, 4, 6}, {1, 3, 2})).to_vector<float>();
  EXPECT_EQ(v, (std::vector<float>{4, 6}));
  testing::expect_error<ValueError>([] { GlobalAveragePooling2D()(Tensor::ones({2, 5, 3})); }, {"expected ndim=4"});
}

}  // namespace
}  // namespace keras::layers
