// What Keras builds for each keras.applications model (../shared/keras_applications, copied
// to tests/data/keras_applications: config.json and the weight list, no values): the model
// rebuilt here from Keras's config.json has Keras's weights, in Keras's order, with Keras's
// shapes and parameter count, so ImageNet weight files load into it by position and by name.
// Models that use layers this library does not have yet are skipped, naming what is missing.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras::saving {
namespace {

using Json = nlohmann::ordered_json;

std::string apps_dir() { return testing::data_dir() + "/keras_applications"; }

std::vector<std::string> all_applications() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(apps_dir()))
    if (e.is_directory()) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

Json read_json(const std::string& path) {
  std::ifstream f(path);
  return Json::parse(f);
}

/// Layer classes (not op nodes) of a model config, nested models included.
void collect_classes(const Json& entry, std::set<std::string>& out) {
  const std::string module = entry.value("module", "");
  if (module.rfind("keras.src.ops", 0) == 0) return;  // graph operations, not layers
  const std::string cls = entry.value("class_name", "");
  if (cls != "Functional" && cls != "Sequential" && cls != "Model") out.insert(cls);
  if (const auto cfg = entry.find("config"); cfg != entry.end() && cfg->is_object())
    if (const auto layers = cfg->find("layers"); layers != cfg->end() && layers->is_array())
      for (const auto& l : *layers) collect_classes(l, out);
}

/// "" when equal (object keys in order), else the path of the first difference and both values.
std::string first_difference(const Json& a, const Json& b, const std::string& path = "") {
  if (a.type() != b.type() && !(a.is_number() && b.is_number() && a.is_number_integer() == b.is_number_integer()))
    return path + ": " + a.dump().substr(0, 120) + " vs " + b.dump().substr(0, 120);
  if (a.is_object()) {
    auto ia = a.begin(), ib = b.begin();
    for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
      if (ia.key() != ib.key()) return path + ": key " + ia.key() + " vs " + ib.key();
      if (auto d = first_difference(ia.value(), ib.value(), path + "/" + ia.key()); !d.empty()) return d;
    }
    if (ia != a.end() || ib != b.end()) return path + ": different key counts";
    return "";
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return path + ": sizes " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
    for (size_t i = 0; i < a.size(); ++i)
      if (auto d = first_difference(a[i], b[i], path + "[" + std::to_string(i) + "]"); !d.empty()) return d;
    return "";
  }
  return a == b ? "" : path + ": " + a.dump().substr(0, 120) + " vs " + b.dump().substr(0, 120);
}

class KerasApplications : public ::testing::TestWithParam<std::string> {};

TEST_P(KerasApplications, ConfigBuildsKerasWeights) {
  const std::string name = GetParam();
  const Json config = read_json(apps_dir() + "/" + name + "/config.json");
  std::set<std::string> classes;
  collect_classes(config, classes);
  std::string missing;
  for (const auto& c : classes)
    if (!is_known_layer_class(c)) missing += (missing.empty() ? "" : ", ") + c;
  if (!missing.empty()) GTEST_SKIP() << "layers not implemented yet: " << missing;

  utils::clear_session();  // automatic names (LayerScale's "variable_N") from zero, as in a fresh Keras session
  std::shared_ptr<models::Model> model;
  try {
    model = std::dynamic_pointer_cast<models::Model>(deserialize_layer(config));
  } catch (const ValueError& e) {
    // A graph operation (keras.src.ops) the functional loader does not know yet.
    if (std::string(e.what()).find("Unknown") != std::string::npos) GTEST_SKIP() << e.what();
    throw;
  }
  ASSERT_TRUE(model);

  const Json expected = read_json(apps_dir() + "/" + name + "/weights.json");
  const auto weights = model->weights();
  ASSERT_EQ(weights.size(), expected.at("weights").size());
  for (size_t i = 0; i < weights.size(); ++i) {
    const Json& w = expected["weights"][i];
    // NASNet builds some layers inside a name scope, which prefixes Keras's paths
    // ("reduction_A_block_stem_1/reduction_conv_1_stem_1/kernel") but is not in the
    // config: a model Keras itself loads from this config has the unscoped path.
    const std::string want = w.at("path").get<std::string>(), got = weights[i].path();
    // LayerScale's unnamed weight is Keras's session-numbered "variable_N"; rebuilt from a
    // config here it is numbered afresh, so the number is not compared.
    const bool unnamed = got.ends_with("/variable") && want.starts_with(got);
    ASSERT_TRUE(got == want || unnamed || (want.size() > got.size() && want.ends_with("/" + got)))
        << "weight " << i << ": " << got << " vs Keras's " << want;
    ASSERT_EQ(weights[i].shape().dims(), w.at("shape").get<std::vector<int64_t>>()) << w.at("path");
  }
  const Json index = read_json(apps_dir() + "/index.json").at("models").at(name);
  EXPECT_EQ(model->count_params(), index.at("params").get<int64_t>());
  EXPECT_EQ(model->name(), index.at("model_name").get<std::string>());

  // Written back, the config is Keras's config.json (NASNet's name scopes aside, the
  // file is what save_model writes for it, key for key and in Keras's order).
  EXPECT_EQ(first_difference(model_config(*model), config), "") << name;
}

// MobileNetV3 records `x + 3.0` as a keras.src.ops.numpy Add node: an operation, never to
// be taken for the keras.layers.Add layer (which would drop the constant without a word).
// An operation this library lacks is refused by name.
TEST(KerasApplicationsLoading, OperationsAreNotLayersOfTheSameName) {
  Json config = read_json(apps_dir() + "/MobileNetV3Small/config.json");
  auto model = std::dynamic_pointer_cast<models::Model>(deserialize_layer(config));
  ASSERT_TRUE(model);
  size_t operations = 0;
  const Json ours = serialize_layer(*model);
  for (const auto& entry : ours.at("config").at("layers"))
    if (entry.at("module") == "keras.src.ops.numpy") ++operations;
  size_t keras_operations = 0;
  for (const auto& entry : config["config"]["layers"])
    if (entry["module"] == "keras.src.ops.numpy") ++keras_operations;
  EXPECT_EQ(operations, keras_operations) << ours.dump().substr(0, 300);
  EXPECT_GT(operations, 0u);

  for (auto& entry : config["config"]["layers"])
    if (entry["module"] == "keras.src.ops.numpy" && entry["class_name"] == "Add") entry["class_name"] = "Hypot";
  testing::expect_error<ValueError>([&] { deserialize_layer(config); },
                                    {"Unknown operation 'Hypot'", "keras.src.ops.numpy", "layer \"add\""});
}

INSTANTIATE_TEST_SUITE_P(All, KerasApplications, ::testing::ValuesIn(all_applications()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace keras::saving
