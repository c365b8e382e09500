#include "saving/legacy_h5.h"

#include <filesystem>
#include <map>
#include <set>

#include "keras/layers/layer_config.h"
#include "keras/models/sequential.h"
#include "keras/saving/saving.h"
#include "keras/utils/file_utils.h"
#include "saving/hdf5/writer.h"
#include "saving/json_utils.h"
#include "tensor/allocation_budget.h"

namespace keras::saving {

using keras::detail::cat;
using layers::Layer;

namespace {

constexpr const char* kKerasVersion = "3.15.1";

/// Legacy configs carry only class_name and config (plus name / inbound_nodes in
/// functional graphs) for each layer entry.
void strip_entry(json& e) {
  e.erase("module");
  e.erase("registered_name");
  e.erase("build_config");
  if (json* cfg = e.contains("config") ? &e["config"] : nullptr)
    if (cfg->is_object() && cfg->contains("layers") && (*cfg)["layers"].is_array())
      for (auto& child : (*cfg)["layers"]) strip_entry(child);
}

/// The saved path of each weight of `layer` ("sequential/dense/kernel", "dense/kernel"),
/// by variable. A variable a wrapper tracks from the layer it wraps (SpectralNormalization's
/// kernel) keeps the wrapped layer's path, as in Keras: sublayers are walked first.
void weight_paths(const Layer& layer, const std::string& prefix, std::map<const void*, std::string>& out) {
  for (const auto& [name, sub] : layer.named_sublayers()) weight_paths(*sub, prefix + layer.name() + "/", out);
  for (const auto& w : layer.own_weights()) out.emplace(w.id(), prefix + layer.name() + "/" + w.name());
  if (const auto* m = dynamic_cast<const models::Model*>(&layer)) {
    // Layers of a Sequential are created in its name scope, those of a functional model are not.
    const std::string p = dynamic_cast<const models::Sequential*>(m) ? prefix + layer.name() + "/" : prefix;
    for (const auto& child : m->layers()) weight_paths(*child, p, out);
  }
}

/// A layer's weights in the order the legacy format stores them (Keras's _legacy_weights:
/// the trainable ones, then the others).
std::vector<Variable> ordered_weights(const Layer& layer) {
  std::vector<Variable> out = layer.trainable_weights();
  for (const auto& w : layer.non_trainable_weights()) out.push_back(w);
  return out;
}

std::vector<std::string> string_list(const hdf5::Object& g, const std::string& name) {
  if (auto a = g.attribute(name)) {
    if (a->is_string) return a->strings;
    if (a->numbers.empty()) return {};  // an empty list is stored as an empty float array
    throw IOError(cat("attribute ", name, " is not a list of strings"));
  }
  // Keras splits long attributes into name0, name1, ...
  std::vector<std::string> out;
  for (int i = 0; i < 100000; ++i) {
    auto a = g.attribute(name + std::to_string(i));
    if (!a) break;
    if (!a->is_string) throw IOError(cat("attribute ", name, i, " is not a list of strings"));
    out.insert(out.end(), a->strings.begin(), a->strings.end());
  }
  return out;
}

}  // namespace

void save_legacy_h5(const models::Model& model, const std::string& path) {
  json entry = serialize_layer(model);
  strip_entry(entry);
  const json config = {{"class_name", entry["class_name"]}, {"config", entry["config"]}};

  hdf5::Writer w(path);
  hdf5::WriteGroup root = w.root();
  root.set_attribute("backend", std::string("tensorflow"));
  root.set_attribute("keras_version", std::string(kKerasVersion));
  root.set_attribute("model_config", config.dump(), false);
  if (model.compiled()) {
    // Keras's training_config: the compile arguments with the optimizer as a config.
    const auto& o = model.compile_options();
    json tc;
    tc["loss"] = o.loss ? (o.loss->spec().empty() ? json(o.loss->class_name()) : json(o.loss->spec())) : json(nullptr);
    json metrics = json::array();
    for (const auto& m : o.metrics) metrics.push_back(m.spec().empty() ? m.ptr()->name() : m.spec());
    tc["metrics"] = metrics;
    json weighted = json::array();
    for (const auto& m : o.weighted_metrics) weighted.push_back(m.spec().empty() ? m.ptr()->name() : m.spec());
    tc["weighted_metrics"] = o.weighted_metrics.empty() ? json(nullptr) : weighted;
    tc["loss_weights"] = o.loss_weights.empty() ? json(nullptr) : json(o.loss_weights);
    tc["optimizer_config"] = {{"class_name", o.optimizer.ptr()->class_name()},
                              {"config", optimizer_config_json(*o.optimizer.ptr())}};
    root.set_attribute("training_config", tc.dump(), false);
  }
  hdf5::WriteGroup mw = root.create_group("model_weights");
  mw.set_attribute("backend", std::string("tensorflow"), false);
  mw.set_attribute("keras_version", std::string(kKerasVersion), false);
  std::vector<std::string> names;
  for (const auto& l : model.layers()) names.push_back(l->name());
  mw.set_attribute("layer_names", names);
  const std::string prefix = dynamic_cast<const models::Sequential*>(&model) ? model.name() + "/" : "";
  for (const auto& l : model.layers()) {
    hdf5::WriteGroup g = mw.create_group(l->name());
    std::map<const void*, std::string> path_of;
    weight_paths(*l, prefix, path_of);
    const auto ws = ordered_weights(*l);
    std::vector<std::string> paths;
    for (const auto& w : ws) {
      const auto it = path_of.find(w.id());
      if (it == path_of.end())
        throw RuntimeError(cat("internal: layer \"", l->name(), "\" has a weight \"", w.name(), "\" without a path"));
      paths.push_back(it->second);
    }
    g.set_attribute("weight_names", paths);
    std::map<std::string, hdf5::WriteGroup> groups;
    for (size_t i = 0; i < ws.size(); ++i) {
      // "a/b/kernel" -> groups a, a/b, then dataset kernel.
      const std::string& p = paths[i];
      hdf5::WriteGroup parent = g;
      size_t start = 0, slash;
      std::string so_far;
      while ((slash = p.find('/', start)) != std::string::npos) {
        so_far += p.substr(start, slash - start) + "/";
        auto it = groups.find(so_far);
        if (it == groups.end()) it = groups.emplace(so_far, parent.create_group(p.substr(start, slash - start))).first;
        parent = it->second;
        start = slash + 1;
      }
      parent.write_dataset(p.substr(start), ws[i].value());
    }
  }
  mw.create_group("top_level_model_weights").set_attribute("weight_names", std::vector<std::string>{});
  const auto bytes = w.bytes();
  utils::write_file_atomically(path, [&](std::ostream& out) {
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  });
}

void load_legacy_weights(models::Model& model, const hdf5::File& file, const std::string& path) {
  const hdf5::Object root = file.root();
  const hdf5::Object mw = root.has("model_weights") ? root.get("model_weights") : root;
  const auto names = string_list(mw, "layer_names");
  // Keras matches the layers that have weights, in order.
  std::vector<std::pair<std::string, std::vector<std::string>>> saved;
  for (const auto& n : names) {
    auto wn = string_list(mw.get(n), "weight_names");
    if (!wn.empty()) saved.emplace_back(n, wn);
  }
  std::vector<std::shared_ptr<Layer>> with_weights;
  for (const auto& l : model.layers())
    if (!l->weights().empty()) with_weights.push_back(l);
  if (saved.size() != with_weights.size())
    throw ValueError(cat(path, ": layer count mismatch when loading weights. The model has ", with_weights.size(),
                         " layers with weights, the file has ", saved.size()));
  for (size_t i = 0; i < saved.size(); ++i) {
    const auto& layer = with_weights[i];
    const auto ws = ordered_weights(*layer);
    const auto& [group_name, weight_names] = saved[i];
    if (weight_names.size() != ws.size())
      throw ValueError(cat(path, ": layer \"", layer->name(), "\" expects ", ws.size(), " weights, but the saved layer \"",
                           group_name, "\" has ", weight_names.size()));
    const hdf5::Object g = mw.get(group_name);
    for (size_t k = 0; k < ws.size(); ++k) {
      const hdf5::Object ds = g.get(weight_names[k]);
      if (!ds.is_dataset()) throw IOError(cat(path, ": ", group_name, "/", weight_names[k], " is not a dataset"));
      if (ds.shape() != ws[k].shape())
        throw ValueError(cat("Layer \"", layer->name(), "\" weight \"", ws[k].name(), "\" has shape ", ws[k].shape().to_string(),
                             " but the file holds shape ", ds.shape().to_string(), " (", group_name, "/", weight_names[k], ")"));
      Variable(ws[k]).assign(ds.read());
    }
  }
}

void load_legacy_weights_by_name(models::Model& model, const hdf5::File& file, const std::string& path,
                                 bool skip_mismatch) {
  const hdf5::Object root = file.root();
  const hdf5::Object mw = root.has("model_weights") ? root.get("model_weights") : root;
  const auto names = string_list(mw, "layer_names");
  const std::set<std::string> in_file(names.begin(), names.end());
  for (const auto& layer : model.layers()) {
    const auto ws = layer->weights();
    if (ws.empty()) continue;
    if (!in_file.count(layer->name())) {
      if (skip_mismatch) continue;
      throw ValueError(cat(path, ": layer \"", layer->name(), "\" has ", ws.size(),
                           " weights but the file has no layer of that name"));
    }
    const hdf5::Object g = mw.get(layer->name());
    const auto weight_names = string_list(g, "weight_names");
    if (weight_names.size() != ws.size()) {
      if (skip_mismatch) continue;
      throw ValueError(cat(path, ": layer \"", layer->name(), "\" expects ", ws.size(),
                           " weights, but the file's layer of that name has ", weight_names.size()));
    }
    std::vector<hdf5::Object> datasets;
    bool shapes_match = true;
    for (size_t k = 0; k < ws.size(); ++k) {
      datasets.push_back(g.get(weight_names[k]));
      if (!datasets.back().is_dataset())
        throw IOError(cat(path, ": ", layer->name(), "/", weight_names[k], " is not a dataset"));
      if (datasets.back().shape() == ws[k].shape()) continue;
      shapes_match = false;
      if (!skip_mismatch)
        throw ValueError(cat("Layer \"", layer->name(), "\" weight \"", ws[k].name(), "\" has shape ",
                             ws[k].shape().to_string(), " but the file holds shape ",
                             datasets.back().shape().to_string(), " (", layer->name(), "/", weight_names[k], ")"));
    }
    if (!shapes_match) continue;
    for (size_t k = 0; k < ws.size(); ++k) Variable(ws[k]).assign(datasets[k].read());
  }
}

std::shared_ptr<models::Model> load_legacy_h5(const std::string& path, const LoadOptions& options) {
  const hdf5::File file = hdf5::File::open(path);
  const hdf5::Object root = file.root();
  auto config_attr = root.attribute("model_config");
  if (!config_attr)
    throw IOError(cat(path, ": no model_config attribute; this is a weights file (use load_weights)"));
  const json config = parse_json(config_attr->as_string(path + " model_config"), path + " model_config");
  std::shared_ptr<models::Model> model;
  {
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(path, ec);
    detail::AllocationBudget budget(4 * (ec ? 0 : size) + (uint64_t{64} << 20), path);
    model = std::dynamic_pointer_cast<models::Model>(deserialize_layer(config));
    if (!model) throw IOError(cat(path, ": model_config does not describe a model"));
    load_legacy_weights(*model, file, path);
  }
  if (options.compile) {
    if (auto tc = root.attribute("training_config")) {
      const json t = parse_json(tc->as_string(path + " training_config"), path + " training_config");
      json c;
      if (const json* oc = find(t, "optimizer_config")) c["optimizer"] = *oc;
      if (const json* l = find(t, "loss")) c["loss"] = *l;
      if (const json* m = find(t, "metrics")) c["metrics"] = *m;
      if (const json* m = find(t, "weighted_metrics")) c["weighted_metrics"] = *m;
      if (const json* w = find(t, "loss_weights")) c["loss_weights"] = *w;
      if (c.contains("optimizer")) compile_or_warn(*model, c, path);
    }
  }
  return model;
}

}  // namespace keras::saving
