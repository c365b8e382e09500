// keras::applications builders against what Keras builds (tests/data/keras_applications,
// from ../shared/keras_applications): with default arguments each builder's config.json is
// Keras's, key for key in Keras's order, and its weights are Keras's in order and shape.
// Then the arguments (include_top, pooling, input_shape, input_tensor, classes,
// classifier_activation) and the weights files: Keras's ImageNet layout loads by name,
// a mismatched file is refused naming the layer and both shapes.
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "keras/applications/convnext.h"
#include "keras/applications/densenet.h"
#include "keras/applications/efficientnet.h"
#include "keras/applications/efficientnet_v2.h"
#include "keras/applications/inception_resnet_v2.h"
#include "keras/applications/inception_v3.h"
#include "keras/applications/mobilenet.h"
#include "keras/applications/mobilenet_v2.h"
#include "keras/applications/mobilenet_v3.h"
#include "keras/applications/nasnet.h"
#include "keras/applications/resnet.h"
#include "keras/applications/resnet_v2.h"
#include "keras/applications/vgg16.h"
#include "keras/applications/vgg19.h"
#include "keras/applications/xception.h"
#include "keras/saving/saving.h"
#include "saving/hdf5/writer.h"
#include "test_utils.h"

namespace keras::applications {
namespace {

using Json = nlohmann::ordered_json;
using Builder = std::function<std::shared_ptr<models::Model>()>;

const std::map<std::string, Builder>& builders() {
  static const std::map<std::string, Builder> all = {
      {"ResNet50", [] { return ResNet50(); }},
      {"ResNet101", [] { return ResNet101(); }},
      {"ResNet152", [] { return ResNet152(); }},
      {"ResNet50V2", [] { return ResNet50V2(); }},
      {"ResNet101V2", [] { return ResNet101V2(); }},
      {"ResNet152V2", [] { return ResNet152V2(); }},
      {"VGG16", [] { return VGG16(); }},
      {"VGG19", [] { return VGG19(); }},
      {"MobileNet", [] { return MobileNet(); }},
      {"MobileNetV2", [] { return MobileNetV2(); }},
      {"MobileNetV3Small", [] { return MobileNetV3Small(); }},
      {"MobileNetV3Large", [] { return MobileNetV3Large(); }},
      {"DenseNet121", [] { return DenseNet121(); }},
      {"DenseNet169", [] { return DenseNet169(); }},
      {"DenseNet201", [] { return DenseNet201(); }},
      {"Xception", [] { return Xception(); }},
      {"InceptionV3", [] { return InceptionV3(); }},
      {"InceptionResNetV2", [] { return InceptionResNetV2(); }},
      {"NASNetMobile", [] { return NASNetMobile(); }},
      {"NASNetLarge", [] { return NASNetLarge(); }},
      {"EfficientNetB0", [] { return EfficientNetB0(); }},
      {"EfficientNetB1", [] { return EfficientNetB1(); }},
      {"EfficientNetB2", [] { return EfficientNetB2(); }},
      {"EfficientNetB3", [] { return EfficientNetB3(); }},
      {"EfficientNetB4", [] { return EfficientNetB4(); }},
      {"EfficientNetB5", [] { return EfficientNetB5(); }},
      {"EfficientNetB6", [] { return EfficientNetB6(); }},
      {"EfficientNetB7", [] { return EfficientNetB7(); }},
      {"EfficientNetV2B0", [] { return EfficientNetV2B0(); }},
      {"EfficientNetV2B1", [] { return EfficientNetV2B1(); }},
      {"EfficientNetV2B2", [] { return EfficientNetV2B2(); }},
      {"EfficientNetV2B3", [] { return EfficientNetV2B3(); }},
      {"EfficientNetV2S", [] { return EfficientNetV2S(); }},
      {"EfficientNetV2M", [] { return EfficientNetV2M(); }},
      {"EfficientNetV2L", [] { return EfficientNetV2L(); }},
      {"ConvNeXtTiny", [] { return ConvNeXtTiny(); }},
      {"ConvNeXtSmall", [] { return ConvNeXtSmall(); }},
      {"ConvNeXtBase", [] { return ConvNeXtBase(); }},
      {"ConvNeXtLarge", [] { return ConvNeXtLarge(); }},
      {"ConvNeXtXLarge", [] { return ConvNeXtXLarge(); }},
  };
  return all;
}

Json read_json(const std::string& path) {
  std::ifstream f(path);
  return Json::parse(f);
}

std::string app_dir(const std::string& name) { return testing::data_dir() + "/keras_applications/" + name; }

/// "" when equal (object keys in order), else the path of the first difference.
std::string first_difference(const Json& a, const Json& b, const std::string& path = "") {
  auto show = [&] { return path + ": " + a.dump().substr(0, 160) + " vs Keras's " + b.dump().substr(0, 160); };
  if (a.is_number() && b.is_number()) {
    if (a.is_number_integer() != b.is_number_integer()) return show();
    return a.get<double>() == b.get<double>() ? "" : show();
  }
  if (a.type() != b.type()) return show();
  if (a.is_object()) {
    auto ia = a.begin(), ib = b.begin();
    for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
      if (ia.key() != ib.key()) return path + ": key \"" + ia.key() + "\" where Keras has \"" + ib.key() + "\"";
      if (auto d = first_difference(ia.value(), ib.value(), path + "/" + ia.key()); !d.empty()) return d;
    }
    return ia == a.end() && ib == b.end() ? "" : show();
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return show();
    for (size_t i = 0; i < a.size(); ++i)
      if (auto d = first_difference(a[i], b[i], path + "[" + std::to_string(i) + "]"); !d.empty()) return d;
    return "";
  }
  return a == b ? "" : show();
}

class ApplicationBuilders : public ::testing::TestWithParam<std::string> {};

TEST_P(ApplicationBuilders, BuildKerasModel) {
  const std::string name = GetParam();
  utils::clear_session();  // automatic names from zero, as in a fresh Keras session
  const auto model = builders().at(name)();
  const Json expected = read_json(app_dir(name) + "/config.json");
  EXPECT_EQ(first_difference(saving::model_config(*model), expected), "") << name;

  const Json weights = read_json(app_dir(name) + "/weights.json").at("weights");
  const auto ours = model->weights();
  ASSERT_EQ(ours.size(), weights.size());
  for (size_t i = 0; i < ours.size(); ++i) {
    // NASNet builds some layers inside name scopes, and ConvNeXt's nested Sequential
    // blocks build theirs inside the block's scope: the scope prefixes Keras's weight
    // paths ("reduction_A_block_stem_1/reduction_conv_1_stem_1/kernel",
    // "convnext_tiny_stem/convnext_tiny_stem_conv/kernel") but not the layers' names, and
    // weights files go by layer names; our paths are the unscoped ones.
    const std::string want = weights[i].at("path").get<std::string>(), got = ours[i].path();
    const bool scoped = name.starts_with("NASNet") || name.starts_with("ConvNeXt");
    ASSERT_TRUE(got == want || (scoped && want.ends_with("/" + got))) << got << " vs " << want;
    ASSERT_EQ(ours[i].shape().dims(), weights[i].at("shape").get<std::vector<int64_t>>()) << weights[i].at("path");
  }
}

// ---- weights files

/// A weights file laid out as Keras's ImageNet files (Keras 2's save_weights): the root's
/// layer_names (here in reverse, so only names can match them), one group per layer
/// with weight_names "<layer>/<weight>:0" and the datasets under those paths.
void write_imagenet_layout(const models::Model& model, const std::string& path,
                           const std::function<Tensor(const std::string&, const Tensor&)>& edit = {}) {
  saving::hdf5::Writer w(path);
  const auto root = w.root();
  std::vector<std::string> names;
  for (const auto& l : model.layers()) names.insert(names.begin(), l->name());
  root.set_attribute("layer_names", names);
  root.set_attribute("backend", std::string("tensorflow"), false);
  root.set_attribute("keras_version", std::string("2.2.4"), false);
  for (const auto& l : model.layers()) {
    const auto g = root.create_group(l->name());
    std::vector<std::string> weight_names;
    const auto ws = l->weights();
    const auto sub = ws.empty() ? g : g.create_group(l->name());
    for (const auto& v : ws) {
      const std::string leaf = v.name() + ":0";
      weight_names.push_back(l->name() + "/" + leaf);
      sub.write_dataset(leaf, edit ? edit(l->name() + "/" + v.name(), v.value()) : v.value());
    }
    g.set_attribute("weight_names", weight_names);
  }
  const auto bytes = w.bytes();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// The app_mobilenetv2_a035 case: Keras's MobileNetV2(input_shape=(96, 96, 3), classes=10,
// alpha=0.35) with random weights. Built here by the builder, with the case's weights
// loaded by name from a file in Keras's ImageNet layout, it gives Keras's outputs.
TEST(ApplicationBuilders, MobileNetV2WeightsByNameGiveKerasOutputs) {
  const auto c = testing::load_case("app_mobilenetv2_a035");
  auto keras_model = saving::load_model(testing::data_dir() + "/keras_cases/app_mobilenetv2_a035/model.h5");
  const std::string path = testing::temp_dir() + "/mobilenetv2_imagenet_layout.h5";
  write_imagenet_layout(*keras_model, path);

  utils::clear_session();
  auto model = MobileNetV2({.input_shape = Shape({96, 96, 3}), .alpha = 0.35, .weights = path, .classes = 10});
  EXPECT_EQ(model->name(), "mobilenetv2_0.35_96");
  testing::expect_allclose(model->predict(c.inputs.at(0)), c.outputs.at(0), c.atol, c.rtol, "builder + weights");

  // The same file into a model whose classifier has another shape: refused, naming the
  // layer and both shapes.
  testing::expect_error<ValueError>(
      [&] {
        MobileNetV2({.input_shape = Shape({96, 96, 3}), .alpha = 0.35, .weights = path, .classes = 7});
      },
      {"predictions", "(1280, 7)", "(1280, 10)"});
  // A file that lacks a layer: refused, naming it.
  const std::string partial = testing::temp_dir() + "/mobilenetv2_partial.h5";
  {
    utils::clear_session();
    auto other = MobileNetV2({.input_shape = Shape({96, 96, 3}), .alpha = 0.35, .include_top = false});
    write_imagenet_layout(*other, partial);
  }
  testing::expect_error<ValueError>(
      [&] {
        MobileNetV2({.input_shape = Shape({96, 96, 3}), .alpha = 0.35, .weights = partial, .classes = 10});
      },
      {"predictions", "no layer of that name"});
  // include_top = false takes the feature layers from the full file.
  utils::clear_session();
  auto features = MobileNetV2(
      {.input_shape = Shape({96, 96, 3}), .alpha = 0.35, .include_top = false, .weights = path, .pooling = "avg"});
  EXPECT_EQ(features->outputs().at(0).shape, Shape({kNone, 1280}));
}

TEST(ApplicationBuilders, Arguments) {
  utils::clear_session();
  auto m = ResNet50({.include_top = false, .input_shape = Shape({64, 80, 3}), .pooling = "max"});
  EXPECT_EQ(m->outputs().at(0).shape, Shape({kNone, 2048}));
  EXPECT_EQ(m->layers().back()->name(), "max_pool");
  EXPECT_EQ(m->name(), "resnet50");
  auto logits = VGG16({.include_top = true,
                       .input_shape = Shape({32, 32, 3}),
                       .classes = 3,
                       .classifier_activation = "",
                       .name = "small_vgg"});
  EXPECT_EQ(logits->name(), "small_vgg");
  EXPECT_EQ(logits->outputs().at(0).shape, Shape({kNone, 3}));
  EXPECT_EQ(saving::get_config(*logits->layers().back()).at("activation"), "linear");
  const Tensor x = testing::random_tensor({2, 32, 32, 3}, 3, 0, 255);
  EXPECT_EQ(logits->predict(x).shape(), Shape({2, 3}));

  // An input tensor: the model starts from its source inputs.
  auto image = Input({40, 40, 3}, {.batch_size = {}, .dtype = DType::float32, .name = "image"});
  auto tiny = MobileNet({.alpha = 0.25, .include_top = false, .input_tensor = image, .pooling = "avg"});
  EXPECT_EQ(tiny->inputs().at(0).layer->name(), "image");
  EXPECT_EQ(tiny->name(), "mobilenet_0.25_None");  // as Keras: MobileNet sizes by input_shape only
  EXPECT_EQ(tiny->outputs().at(0).shape, Shape({kNone, 256}));

  // Keras's checks, with its messages.
  testing::expect_error<ValueError>(
      [] {
        ResNet50({.input_shape = Shape({16, 16, 3})});
      },
      {"Input size must be at least 32x32"});
  testing::expect_error<ValueError>(
      [] {
        ResNet50({.include_top = true, .input_shape = Shape({kNone, kNone, 3})});
      },
      {"static `input_shape`"});
  testing::expect_error<ValueError>([] { ResNet50({.weights = "/no/such/file.h5"}); },
                                    {"`weights` argument", "/no/such/file.h5"});
  testing::expect_error<ValueError>([] { ResNet50({.weights = "imagenet", .classes = 10}); },
                                    {"`classes` should be 1000"});
  testing::expect_error<ValueError>([] { ResNet50({.include_top = false, .pooling = "mean"}); }, {"pooling"});
  testing::expect_error<ValueError>([] { MobileNet({.alpha = 0.3, .weights = "imagenet"}); }, {"alpha can be one of"});
  testing::expect_error<ValueError>([] { VGG16({.weights = "imagenet", .classifier_activation = "relu"}); },
                                    {"classifier_activation"});
}

// weights = "imagenet" reads Keras's download cache; with the file absent the error says
// where to put it and where Keras serves it from.
TEST(ApplicationBuilders, ImagenetWeightsFromKerasCache) {
  const std::string home = testing::temp_dir() + "/keras_home";
  std::filesystem::create_directories(home + "/models");
  ::setenv("KERAS_HOME", home.c_str(), 1);
  testing::expect_error<ValueError>([] { DenseNet121({.weights = "imagenet"}); },
                                    {"densenet121_weights_tf_dim_ordering_tf_kernels.h5", home + "/models",
                                     "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"});
  utils::clear_session();
  auto source = MobileNetV2({.input_shape = Shape({96, 96, 3}), .alpha = 0.35, .include_top = false});
  write_imagenet_layout(*source, home + "/models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5");
  utils::clear_session();
  auto loaded =
      MobileNetV2({.input_shape = Shape({96, 96, 3}), .alpha = 0.35, .include_top = false, .weights = "imagenet"});
  const Tensor x = testing::random_tensor({1, 96, 96, 3}, 5, -1, 1);
  testing::expect_allclose(loaded->predict(x), source->predict(x), 1e-5, 1e-5, "from the cache");
  ::unsetenv("KERAS_HOME");
}

TEST(ApplicationBuilders, PreprocessInput) {
  const Tensor rgb = Tensor::from_vector(std::vector<float>{0, 127.5f, 255, 10, 20, 30}, Shape({1, 2, 1, 3}));
  // caffe: BGR minus the means
  testing::expect_allclose(resnet::preprocess_input(rgb),
                           Tensor::from_vector(std::vector<float>{255 - 103.939f, 127.5f - 116.779f, 0 - 123.68f,
                                                                  30 - 103.939f, 20 - 116.779f, 10 - 123.68f},
                                               Shape({1, 2, 1, 3})),
                           1e-4, 1e-5, "caffe");
  // tf: [-1, 1]
  testing::expect_allclose(
      mobilenet_v2::preprocess_input(rgb),
      Tensor::from_vector(std::vector<float>{-1, 0, 1, 10 / 127.5f - 1, 20 / 127.5f - 1, 30 / 127.5f - 1},
                          Shape({1, 2, 1, 3})),
      1e-6, 1e-6, "tf");
  // torch: ImageNet mean and std on 0..1
  const Tensor t = densenet::preprocess_input(rgb);
  EXPECT_NEAR(t.to_vector<float>()[1], (0.5 - 0.456) / 0.224, 1e-5);
  EXPECT_NEAR(t.to_vector<float>()[5], (30 / 255.0 - 0.406) / 0.225, 1e-5);
  // channels_first: the channel axis is 1
  const Tensor first = imagenet_utils::preprocess_input(Tensor::ones({1, 3, 2, 2}), "channels_first", "caffe");
  EXPECT_NEAR(first.to_vector<float>()[0], 1 - 103.939, 1e-4);
  testing::expect_error<ValueError>([&] { imagenet_utils::preprocess_input(rgb, "channels_last", "keras"); }, {"mode"});
  testing::expect_error<ValueError>([] { resnet::preprocess_input(Tensor::ones({1, 2, 2, 4})); }, {"3 channels"});
  testing::expect_allclose(mobilenet_v3::preprocess_input(rgb), rgb, 0, 0, "MobileNetV3 preprocesses inside");
}

INSTANTIATE_TEST_SUITE_P(Keras, ApplicationBuilders, ::testing::ValuesIn([] {
                           std::vector<std::string> names;
                           for (const auto& [n, b] : builders()) names.push_back(n);
                           return names;
                         }()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace keras::applications
