// ZeroPadding1D/2D/3D and Cropping1D/2D/3D (Keras's numbers: the zeropad*/crop* reference cases).
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::run_layer_test;

TEST(ZeroPadding, ShapesGradientsAndConfigsInEveryForm) {
  run_layer_test([] { return LayerHandle(ZeroPadding1D()); }, {2, 5, 3}, {2, 7, 3});
  run_layer_test([] { return LayerHandle(ZeroPadding1D({1, 3})); }, {2, 5, 3}, {2, 9, 3});
  run_layer_test([] { return LayerHandle(ZeroPadding2D({{1, 2}, {0, 3}})); }, {2, 4, 4, 2}, {2, 7, 7, 2});
  run_layer_test([] { return LayerHandle(ZeroPadding2D({1, 2})); }, {2, 3, 3, 2}, {2, 5, 7, 2});
  run_layer_test([] { return LayerHandle(ZeroPadding2D(1, {.data_format = "channels_first"})); }, {2, 2, 3, 3},
                 {2, 2, 5, 5});
  run_layer_test([] { return LayerHandle(ZeroPadding3D({{1, 0}, {0, 2}, {1, 1}})); }, {2, 2, 2, 2, 2}, {2, 3, 4, 4, 2});
}

TEST(ZeroPadding, AddsZerosAroundTheValues) {
  const Tensor x = Tensor::from_vector<float>({1, 2, 3, 4}, {1, 2, 2, 1});
  const Tensor y = ZeroPadding2D({{1, 0}, {0, 1}})(x);
  EXPECT_EQ(y.shape(), Shape({1, 3, 3, 1}));
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{0, 0, 0, 1, 2, 0, 3, 4, 0}));
  EXPECT_EQ(ZeroPadding2D(1).compute_output_shape(Shape{kNone, kNone, 5, 3}), Shape({kNone, kNone, 7, 3}));
}

TEST(Cropping, ShapesGradientsAndConfigsInEveryForm) {
  run_layer_test([] { return LayerHandle(Cropping1D()); }, {2, 7, 3}, {2, 5, 3});
  run_layer_test([] { return LayerHandle(Cropping1D({1, 2})); }, {2, 7, 3}, {2, 4, 3});
  run_layer_test([] { return LayerHandle(Cropping2D({{1, 2}, {0, 1}})); }, {2, 6, 5, 2}, {2, 3, 4, 2});
  run_layer_test([] { return LayerHandle(Cropping2D({1, 2})); }, {2, 6, 5, 2}, {2, 4, 1, 2});
  run_layer_test([] { return LayerHandle(Cropping2D(1, {.data_format = "channels_first"})); }, {2, 2, 4, 4},
                 {2, 2, 2, 2});
  run_layer_test([] { return LayerHandle(Cropping3D()); }, {2, 3, 4, 4, 2}, {2, 1, 2, 2, 2});
}

TEST(Cropping, KeepsTheMiddle) {
  const Tensor x = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 3, 3, 1});
  EXPECT_EQ(Cropping2D({{1, 0}, {0, 1}})(x).to_vector<float>(), (std::vector<float>{4, 5, 7, 8}));
  EXPECT_EQ(Cropping1D({1, 1})(Tensor::from_vector<float>({1, 2, 3, 4}, {1, 4, 1})).to_vector<float>(),
            (std::vector<float>{2, 3}));
}

TEST(PaddingCropping, ConfigsAsKerasWritesThem) {
  EXPECT_EQ(ZeroPadding1D(2).get_config()["padding"].dump(), "[2,2]");
  EXPECT_EQ(ZeroPadding2D({1, 2}).get_config()["padding"].dump(), "[[1,1],[2,2]]");
  EXPECT_FALSE(Cropping1D().get_config().contains("data_format"));  // Keras's Cropping1D has none
  EXPECT_EQ(Cropping2D().get_config()["data_format"], "channels_last");
  // Every spelling Keras accepts reads back.
  for (const char* form : {"2", "[2, 2]", "[[2, 2], [2, 2]]"}) {
    Config c = ZeroPadding2D().get_config();
    c["padding"] = Config::parse(form);
    auto layer = std::dynamic_pointer_cast<ZeroPadding2D>(ZeroPadding2D::from_config(c));
    ASSERT_TRUE(layer) << form;
    EXPECT_EQ(layer->sides(), (BaseSpatialEdges::Sides{{2, 2}, {2, 2}})) << form;
  }
}

TEST(PaddingCropping, ErrorsNameTheLayerTheArgumentAndTheShapes) {
  testing::expect_error<ValueError>([] { ZeroPadding2D(-1); }, {"zero_padding2d", "`padding`", ">= 0"});
  testing::expect_error<ValueError>(
      [] {
        Cropping2D(2)(Tensor::ones({1, 4, 5, 1}));
      },
      {"cropping2d", "`cropping`", "(1, 4, 5, 1)"});
  testing::expect_error<ValueError>([] { ZeroPadding2D(1)(Tensor::ones({4, 5, 1})); }, {"zero_padding2d", "ndim"});
  testing::expect_error<ValueError>([] { ZeroPadding2D(1, {.data_format = "nhwc"}); }, {"`data_format`"});
  testing::expect_error<ValueError>([] { SidesN<2>({1, 2, 3}); }, {"Expected 2"});
  Config c = Cropping2D().get_config();
  c["cropping"] = Config::parse("[[1, 2, 3], [0, 0]]");
  testing::expect_error<IOError>([&] { Cropping2D::from_config(c); }, {"cropping", "pairs"});
  c["cropping"] = Config::parse("[-1, 0]");
  testing::expect_error<IOError>([&] { Cropping2D::from_config(c); }, {"cropping", ">= 0"});
}

}  // namespace
}  // namespace keras::layers
