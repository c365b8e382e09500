#include "keras/layers/pooling/max_pooling2d.h"

#include "test_utils.h"

namespace keras::layers {
namespace {

TEST(MaxPooling2D, ShapesAndValues) {
  MaxPooling2D p;
  Tensor x = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, {1, 4, 4, 1});
  EXPECT_EQ(p(x).to_vector<float>(), (std::vector<float>{6, 8, 14, 16}));
  EXPECT_EQ(p.compute_output_shape(Shape{kNone, 26, 26, 32}), Shape({kNone, 13, 13, 32}));
  // Odd sizes: valid drops the remainder, same pads it.
  EXPECT_EQ(MaxPooling2D()(Tensor::ones({1, 5, 5, 2})).shape(), Shape({1, 2, 2, 2}));
  EXPECT_EQ(MaxPooling2D(2, {.padding = "same"})(Tensor::ones({1, 5, 5, 2})).shape(), Shape({1, 3, 3, 2}));
  EXPECT_EQ(MaxPooling2D({3, 3}, {.strides = 1})(Tensor::ones({1, 5, 5, 2})).shape(), Shape({1, 3, 3, 2}));
  // "same" never takes a padded cell: all-negative input keeps its values.
  Tensor neg = Tensor::full({1, 3, 3, 1}, -5.0);
  for (float v : MaxPooling2D(2, {.padding = "same"})(neg).to_vector<float>()) EXPECT_EQ(v, -5.f);
}

TEST(MaxPooling2D, Gradients) {
  MaxPooling2D p(2);
  testing::check_layer_gradients(p, testing::distinct_tensor({2, 4, 5, 3}, 1));
  MaxPooling2D q({3, 3}, {.strides = 2, .padding = "same"});
  testing::check_layer_gradients(q, testing::distinct_tensor({2, 7, 7, 2}, 2));
}

TEST(MaxPooling2D, Errors) {
  testing::expect_error<ValueError>([] { MaxPooling2D(0); }, {"pool_size"});
  testing::expect_error<ValueError>([] { MaxPooling2D(2, {.padding = "full"}); }, {"padding", "full"});
  MaxPooling2D p(2, {.name = "pool"});
  testing::expect_error<ValueError>([&] { p(Tensor::ones({2, 8, 8})); }, {"\"pool\"", "expected ndim=4", "found ndim=3"});
}

}  // namespace
}  // namespace keras::layers
