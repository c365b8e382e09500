#include "keras/layers/core/input_layer.h"

#include "test_utils.h"

namespace keras::layers {
namespace {

TEST(InputLayer, ShapesAndDtype) {
  auto x = Input({28, 28, 1});
  EXPECT_EQ(x.shape, Shape({kNone, 28, 28, 1}));
  EXPECT_EQ(x.dtype, DType::float32);
  ASSERT_TRUE(x.layer);
  EXPECT_EQ(x.layer->class_name(), "InputLayer");
  auto y = Input({5}, {.batch_size = 8, .dtype = DType::int32, .name = "tokens"});
  EXPECT_EQ(y.shape, Shape({8, 5}));
  EXPECT_EQ(y.dtype, DType::int32);
  EXPECT_EQ(y.layer->name(), "tokens");
}

TEST(InputLayer, Errors) {
  testing::expect_error<ValueError>([] { InputLayer(InputLayerOptions{}); }, {"shape"});
  testing::expect_error<ValueError>(
      [] { InputLayer({.shape = Shape{3}, .batch_size = {}, .batch_shape = Shape{1, 3}, .dtype = DType::float32, .name = {}}); },
      {"either"});
}

}  // namespace
}  // namespace keras::layers
