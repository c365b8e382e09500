// CustomScaleLayer (InceptionResNetV2) and LayerScale (ConvNeXt): the layers
// keras.applications defines for itself and saves into model files.
#include "keras/applications/application_layers.h"

#include "keras/saving/saving.h"
#include "keras/utils/utils.h"
#include "test_utils.h"

namespace keras::applications {
namespace {

TEST(CustomScaleLayer, AddsTheScaledBranch) {
  CustomScaleLayer layer(0.17);
  const Tensor a = testing::random_tensor({2, 3, 3, 4}, 1), b = testing::random_tensor({2, 3, 3, 4}, 2);
  testing::expect_allclose(layer(TensorList{a, b})[0], a + b * 0.17, 0, 0);
  TensorList xs{a.clone(), b.clone()};
  for (auto& x : xs) x.set_requires_grad(true);
  testing::check_gradients([&](const TensorList& in) { return layer(in)[0]; }, xs);
  testing::expect_error<ValueError>([&] { layer(TensorList{a, testing::random_tensor({2, 3, 3, 5}, 3)}); },
                                    {"custom_scale_layer", "same shape", "(2, 3, 3, 5)"});
}

TEST(LayerScale, ScalesEachChannelByATrainableGamma) {
  testing::run_layer_test([] { return layers::LayerHandle(LayerScale(0.5, 4)); }, {2, 3, 4}, {2, 3, 4});
  utils::clear_session();
  LayerScale layer(1e-6, 3), second(1e-6, 3);
  const Tensor x = testing::random_tensor({2, 3}, 4);
  testing::expect_allclose(layer(x), x * 1e-6, 0, 0);
  second(x);
  ASSERT_EQ(layer.weights().size(), 1u);
  // Keras creates it without a name: Keras's automatic variable names, numbered in the
  // session, as ConvNeXt's weight lists have them.
  EXPECT_EQ(layer.weights()[0].name(), "variable");
  EXPECT_EQ(second.weights()[0].name(), "variable_1");
  EXPECT_TRUE(layer.weights()[0].trainable());
  testing::expect_error<ValueError>([] { LayerScale(1e-6, 3)(Tensor::ones({2, 4})); }, {"`projection_dim`", "(2, 4)"});
  testing::expect_error<ValueError>([] { LayerScale(1e-6, 0); }, {"`projection_dim`"});
}

TEST(ApplicationLayers, SerializedUnderKerasModulesAndNames) {
  LayerScale scale(1e-6, 8, {.name = "ls"});
  scale(Tensor::ones({1, 8}));
  const auto e = saving::serialize_layer(scale);
  EXPECT_EQ(e["module"], "keras.src.applications.convnext");
  EXPECT_EQ(e["registered_name"], "LayerScale");
  EXPECT_EQ(e["config"]["init_values"], 1e-6);
  EXPECT_EQ(e["config"]["projection_dim"], 8);
  auto back = std::dynamic_pointer_cast<LayerScale>(saving::deserialize_layer(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->weights().size(), 1u);  // built from its build_config

  const auto c = saving::serialize_layer(CustomScaleLayer(0.1));
  EXPECT_EQ(c["module"], "keras.src.applications.inception_resnet_v2");
  EXPECT_EQ(c["config"]["scale"], 0.1);
  auto back2 = std::dynamic_pointer_cast<CustomScaleLayer>(saving::deserialize_layer(c));
  ASSERT_TRUE(back2);
  EXPECT_EQ(back2->scale(), 0.1);
}

}  // namespace
}  // namespace keras::applications
