// The normalization layers' files as Keras writes them: for every reference case of these
// layers, the config each layer writes equals Keras's key for key (in Keras's order), and
// the weights land where Keras puts them, in model.weights.h5 and in the legacy .h5 file.
#include <nlohmann/json.hpp>
#include <set>

#include "keras/saving/saving.h"
#include "saving/hdf5/reader.h"
#include "saving/zip_archive.h"
#include "test_utils.h"

namespace keras::saving {
namespace {

using Json = nlohmann::ordered_json;

const char* const kCases[] = {"groupnorm_1group_noscale",
                              "groupnorm_2groups",
                              "groupnorm_instance",
                              "layernorm_axes12",
                              "layernorm_last",
                              "layernorm_no_center_scale",
                              "layernorm_rms_scaling",
                              "normalization_adapt",
                              "normalization_adapt_axis13",
                              "normalization_given",
                              "normalization_invert",
                              "rmsnorm_eps",
                              "rmsnorm_last",
                              "spectralnorm_conv2d",
                              "spectralnorm_dense",
                              "unitnorm_axes12",
                              "unitnorm_last"};

void strip_ids(Json& j) {
  if (j.is_object()) {
    j.erase("shared_object_id");
    for (auto& [k, v] : j.items()) strip_ids(v);
  } else if (j.is_array()) {
    for (auto& v : j) strip_ids(v);
  }
}

Json archive_config(const std::string& path) {
  ZipReader z(path);
  const auto b = z.read("config.json", 1 << 26);
  Json j = Json::parse(std::string(b.begin(), b.end()));
  strip_ids(j);
  return j;
}

void datasets(const hdf5::Object& o, const std::string& path, std::set<std::string>& out) {
  for (const auto& k : o.keys()) {
    const auto child = o.get(k);
    if (child.is_dataset())
      out.insert(path + "/" + k + " " + child.shape().to_string() + " " + std::string(dtype_name(child.dtype())));
    else datasets(child, path + "/" + k, out);
  }
}

std::set<std::string> archive_datasets(const std::string& path) {
  ZipReader z(path);
  std::set<std::string> out;
  datasets(hdf5::File::from_bytes(z.read("model.weights.h5", 1 << 30), path).root(), "", out);
  return out;
}

/// Each layer's weight_names in a legacy file, and its datasets. Without the model's
/// "sequential/" scope: Keras leaves it out for a layer built before the model (an
/// adapted Normalization), we write it for every layer of a Sequential.
std::set<std::string> legacy_layout(const std::string& path) {
  auto unscoped = [](std::string s) {
    for (size_t at; (at = s.find("sequential/")) != std::string::npos;) s.erase(at, 11);
    return s;
  };
  const auto file = hdf5::File::open(path);
  const auto mw = file.root().get("model_weights");
  std::set<std::string> out;
  for (const auto& layer : mw.keys()) {
    std::string names;
    if (auto a = mw.get(layer).attribute("weight_names"); a && a->is_string)
      for (const auto& n : a->strings) names += n + ";";
    out.insert(layer + " weight_names=" + unscoped(names));
  }
  std::set<std::string> ds;
  datasets(mw, "", ds);
  for (const auto& d : ds) out.insert(unscoped(d));
  return out;
}

TEST(NormalizationKerasFiles, ConfigsAndWeightLayoutsMatchKeras) {
  const std::set<std::string> ours_classes{"GroupNormalization", "LayerNormalization",    "Normalization",
                                           "RMSNormalization",   "SpectralNormalization", "UnitNormalization"};
  for (const std::string name : kCases) {
    SCOPED_TRACE(name);
    const std::string dir = testing::data_dir() + "/keras_cases/" + name;
    auto model = load_model(dir + "/model.keras");
    const Json theirs = archive_config(dir + "/model.keras");
    Json ours = Json::parse(serialize_layer(*model).dump());
    strip_ids(ours);
    const Json& tl = theirs["config"]["layers"];
    const Json& ol = ours["config"]["layers"];
    ASSERT_EQ(ol.size(), tl.size());
    size_t checked = 0;
    for (size_t i = 0; i < tl.size(); ++i) {
      if (!ours_classes.count(tl[i]["class_name"].get<std::string>())) continue;
      ++checked;
      EXPECT_EQ(ol[i]["config"].dump(), tl[i]["config"].dump());
      EXPECT_EQ(ol[i]["module"], tl[i]["module"]);
      // Keras records the batch size adapt() saw in an adapted Normalization's
      // build_config ([50, 4]); we record None there, which Keras reads the same.
      if (name.rfind("normalization_adapt", 0) == 0) continue;
      EXPECT_EQ(ol[i].value("build_config", Json()).dump(), tl[i].value("build_config", Json()).dump());
    }
    EXPECT_EQ(checked, 1u);

    const std::string tmp = testing::temp_dir() + "/" + name;
    model->save(tmp + ".keras");
    EXPECT_EQ(archive_datasets(tmp + ".keras"), archive_datasets(dir + "/model.keras"));
    if (!std::filesystem::exists(dir + "/model.h5")) continue;
    load_model(dir + "/model.h5")->save(tmp + ".h5");
    EXPECT_EQ(legacy_layout(tmp + ".h5"), legacy_layout(dir + "/model.h5"));
  }
}

}  // namespace
}  // namespace keras::saving
