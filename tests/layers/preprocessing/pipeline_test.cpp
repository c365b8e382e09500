// Pipeline: layers run in order with `training` passed on, shapes chain, the config is
// Keras's {"layers", "name"}, sub-layer weights train and save under layers/<class>;
// Keras's pipeline_rescale_crop case runs through KerasCaseFiles.
#include "keras/layers/preprocessing/pipeline.h"

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

TEST(Pipeline, AppliesItsLayersInOrder) {
  const Tensor x = testing::pattern_images({2, 6, 7, 3});
  Pipeline p({Rescaling(2.0), Rescaling(1.0, {.offset = 1.0})});
  testing::expect_allclose(p(x), ops::add(ops::multiply(x, Tensor::scalar(2.0)), Tensor::scalar(1.0)), 1e-5, 1e-6);
  Pipeline q({Rescaling(1.0, {.offset = 1.0}), Rescaling(2.0)});
  testing::expect_allclose(q(x), ops::multiply(ops::add(x, Tensor::scalar(1.0)), Tensor::scalar(2.0)), 1e-5, 1e-6);
  Pipeline crop({Rescaling(1.0 / 255, {.offset = -0.5}), CenterCrop(4, 4)});
  EXPECT_EQ(crop(x).shape(), Shape({2, 4, 4, 3}));
  EXPECT_EQ(crop.compute_output_shape(Shape{kNone, 6, 7, 3}), Shape({kNone, 4, 4, 3}));
  testing::expect_allclose(crop(x), CenterCrop(4, 4)(Rescaling(1.0 / 255, {.offset = -0.5})(x)), 0, 0);
  EXPECT_EQ(Pipeline(std::vector<LayerHandle>{})(x).shape(), x.shape());
}

TEST(Pipeline, PassesTrainingOn) {
  const Tensor x = testing::pattern_images({2, 5, 5, 2});
  Pipeline p({RandomRotation({0.5, 0.5}), Rescaling(1.0)});
  testing::expect_allclose(p(x, false), x, 0, 0, "inference");
  testing::expect_allclose(p(x, true), ops::flip(ops::flip(x, 1), 2), 1e-4, 1e-5, "training: a half turn");
  const TensorList seen = testing::seen_in_fit(Pipeline({RandomRotation({0.5, 0.5})}), x);
  ASSERT_EQ(seen.size(), 1u);
  testing::expect_allclose(seen[0], ops::flip(ops::flip(x, 1), 2), 1e-4, 1e-5, "in fit");
}

TEST(Pipeline, SubLayerWeightsTrainAndSave) {
  auto in = Input(Shape{3});
  auto out = Pipeline({Dense(4, "relu"), Dense(2)}, {.name = "pipe"})(in);
  models::Model m(in, out);
  EXPECT_EQ(m.trainable_weights().size(), 4u);
  m.compile("sgd", "mse");
  const Tensor x = testing::random_tensor({8, 3}, 1), y = testing::random_tensor({8, 2}, 2);
  const auto before = m.get_weights();
  m.fit(x, y, {.batch_size = 8, .epochs = 1, .verbose = 0});
  EXPECT_GT(testing::max_abs_diff(m.get_weights()[0], before[0]), 0.0f);
  const Tensor want = m.predict(x, {.batch_size = 32, .verbose = 0, .callbacks = {}});
  const std::string path = testing::temp_dir() + "/pipeline.keras";
  m.save(path);
  auto loaded = saving::load_model(path);
  EXPECT_EQ(loaded->predict(x, {.batch_size = 32, .verbose = 0, .callbacks = {}}).to_vector<float>(),
            want.to_vector<float>());
}

TEST(Pipeline, ConfigAndErrors) {
  Pipeline p({Rescaling(0.5, {.name = "r"})}, {.name = "pipe"});
  EXPECT_EQ(
      saving::get_config(p).dump(),
      R"({"layers":[{"module":"keras.layers","class_name":"Rescaling","config":{"name":"r","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"scale":0.5,"offset":0.0},"registered_name":null}],"name":"pipe"})");
  const auto copy = saving::deserialize_layer(saving::serialize_layer(p));
  EXPECT_EQ(saving::get_config(*copy).dump(), saving::get_config(p).dump());
  const Tensor x = testing::pattern_images({1, 3, 3, 1});
  testing::expect_allclose((*copy)(x), p(x), 0, 0);
  nlohmann::ordered_json entry = saving::serialize_layer(p);
  entry["config"].erase("layers");
  testing::expect_error<IOError>([&] { saving::deserialize_layer(entry); }, {"`layers`", "pipe"});
  entry["config"]["layers"] = "rescaling";
  testing::expect_error<IOError>([&] { saving::deserialize_layer(entry); }, {"`layers`", "list of serialized layers"});
  nlohmann::ordered_json unknown = saving::serialize_layer(Rescaling(0.5));
  unknown["class_name"] = "NoSuchLayer";
  entry["config"]["layers"] = nlohmann::ordered_json::array({unknown});
  testing::expect_error<ValueError>([&] { saving::deserialize_layer(entry); }, {"NoSuchLayer"});
  testing::expect_error<ValueError>([] { Pipeline({LayerHandle(std::shared_ptr<Layer>())}); }, {"Pipeline", "entry 0"});
}

}  // namespace
}  // namespace keras::layers
