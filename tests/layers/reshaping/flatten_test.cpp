#include "keras/layers/reshaping/flatten.h"

#include "test_utils.h"

namespace keras::layers {
namespace {

TEST(Flatten, Shapes) {
  Flatten f;
  EXPECT_EQ(f(Tensor::ones({2, 13, 13, 32})).shape(), Shape({2, 5408}));
  EXPECT_EQ(f.compute_output_shape(Shape{kNone, 13, 13, 32}), Shape({kNone, 5408}));
  EXPECT_EQ(f.compute_output_shape(Shape{kNone, kNone, 3}), Shape({kNone, kNone}));
  EXPECT_EQ(f(Tensor::ones({4})).shape(), Shape({4, 1}));
  // C order, as numpy's reshape.
  Tensor x = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {1, 3, 2});
  EXPECT_EQ(f(x).to_vector<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(Flatten, Gradients) {
  Flatten f;
  testing::check_layer_gradients(f, testing::random_tensor({2, 3, 2, 2}, 1));
}

}  // namespace
}  // namespace keras::layers
