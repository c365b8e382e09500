// Rescaling (Keras's numbers: the rescaling_* reference cases).
#include "test_utils.h"

namespace keras::layers {
namespace {

TEST(Rescaling, ScalesAndOffsetsPerChannel) {
  testing::run_layer_test([] { return LayerHandle(Rescaling(0.5, {.offset = -1.0})); }, {2, 3, 3}, {2, 3, 3});
  testing::run_layer_test(
      [] {
        return LayerHandle(Rescaling(FloatOrList{1.0, 2.0, 3.0}, {.offset = {0.5, 0.0, -1.0}}));
      },
      {2, 4, 3}, {2, 4, 3});
  const Tensor x = Tensor::from_vector<float>({255, 0, 10, 20}, {2, 2});
  EXPECT_EQ(Rescaling(1.0 / 255)(x).to_vector<float>(), (std::vector<float>{1, 0, 10 / 255.f, 20 / 255.f}));
  EXPECT_EQ(Rescaling(FloatOrList{1.0, 2.0}, {.offset = FloatOrList{0.0, 1.0}})(x).to_vector<float>(),
            (std::vector<float>{255, 1, 10, 41}));
}

TEST(Rescaling, IntegerImagesBecomeFloat) {
  const Tensor x = Tensor::from_vector<uint8_t>({0, 255}, {1, 2});
  const Tensor y = Rescaling(1.0 / 127.5, {.offset = -1.0})(x);
  EXPECT_EQ(y.dtype(), DType::float32);
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{-1, 1}));
}

TEST(Rescaling, ConfigsAsKerasWritesThem) {
  Config c = Rescaling(0.5).get_config();
  EXPECT_EQ(c["scale"], 0.5);
  EXPECT_EQ(c["offset"], 0.0);
  c = Rescaling(FloatOrList{1.0, 2.0}, {.offset = FloatOrList{3.0, 4.0}}).get_config();
  EXPECT_EQ(c["scale"].dump(), "[1.0,2.0]");
  EXPECT_EQ(c["offset"].dump(), "[3.0,4.0]");
  auto back = std::dynamic_pointer_cast<Rescaling>(Rescaling::from_config(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->scale(), (FloatOrList{1.0, 2.0}));
}

TEST(Rescaling, ErrorsNameTheArgumentAndTheShape) {
  testing::expect_error<ValueError>(
      [] {
        Rescaling(FloatOrList{1.0, 2.0})(Tensor::ones({2, 3}));
      },
      {"rescaling", "`scale`", "(2, 3)"});
  Config c = Rescaling(1.0).get_config();
  c["scale"] = "big";
  testing::expect_error<IOError>([&] { Rescaling::from_config(c); }, {"scale"});
  c.erase("scale");
  testing::expect_error<IOError>([&] { Rescaling::from_config(c); }, {"scale"});
}

}  // namespace
}  // namespace keras::layers
