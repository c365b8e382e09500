// .keras archives, .weights.h5 files and model save/load (keras/src/saving/saving_lib.py).
#include "keras/saving/saving.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "keras/layers/core/input_layer.h"
#include "keras/layers/layer_config.h"
#include "keras/models/sequential.h"
#include "keras/optimizers/loss_scale_optimizer.h"
#include "keras/utils/file_utils.h"
#include "saving/hdf5/reader.h"
#include "saving/hdf5/writer.h"
#include "saving/json_utils.h"
#include "saving/legacy_h5.h"
#include "saving/zip_archive.h"
#include "tensor/allocation_budget.h"
#include "utils/excerpt.h"

namespace keras::saving {

using keras::detail::cat;
using layers::Layer;

namespace {

constexpr const char* kKerasVersion = "3.15.1";  // the format version written and read
constexpr uint64_t kMaxConfigBytes = uint64_t{64} << 20;
constexpr uint64_t kMaxAssetBytes = uint64_t{256} << 20;  // all asset files (vocabularies) together

std::string now_stamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d@%H:%M:%S", &tm);
  return buf;
}

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// The layers saved under a model's "layers" group, in Keras's order.
std::vector<std::shared_ptr<Layer>> saved_children(const Layer& layer) {
  if (const auto* m = dynamic_cast<const models::Model*>(&layer)) return m->layers();
  return {};
}

// ---- the Keras 3 weights layout: <object>/vars/0..n, <object>/layers/<unique snake name>/...

/// The snake_case name Keras gives a layer's group: that of its Python class, which for
/// GroupedQueryAttention differs from the name it exports ("GroupQueryAttention").
std::string saved_class_name(const Layer& layer) {
  if (layer.class_name() == "GroupQueryAttention") return "grouped_query_attention";
  return layers::to_snake_case(layer.class_name());
}

void write_object(const hdf5::WriteGroup& group, const Layer& layer) {
  hdf5::WriteGroup vars = group.create_group("vars");
  vars.set_attribute("name", layer.name());
  const auto& own = layer.own_weights();
  for (size_t i = 0; i < own.size(); ++i) vars.write_dataset(layer.saved_variable_key(i), own[i].value());
  const auto children = saved_children(layer);
  if (dynamic_cast<const models::Model*>(&layer)) {
    hdf5::WriteGroup lg = group.create_group("layers");
    std::map<std::string, int> counts;
    for (const auto& child : children) {
      const std::string base = saved_class_name(*child);
      const int n = counts[base]++;
      write_object(lg.create_group(n == 0 ? base : base + "_" + std::to_string(n)), *child);
    }
  }
  for (const auto& [name, sub] : layer.named_sublayers()) write_object(group.create_group(name), *sub);
}

void read_object(const hdf5::Object& group, Layer& layer, const std::string& where) {
  const auto& own = layer.own_weights();
  if (!own.empty() || group.has("vars")) {
    const hdf5::Object vars = group.get("vars");
    const auto keys = vars.keys();
    if (keys.size() != own.size())
      throw ValueError(cat("Layer \"", layer.name(), "\" expects ", own.size(), " variables, but the file has ", keys.size(),
                           " at ", where, "/vars"));
    for (size_t i = 0; i < own.size(); ++i) {
      const std::string key = layer.saved_variable_key(i);
      if (!vars.has(key)) throw IOError(cat(where, "/vars has no dataset \"", key, "\""));
      const hdf5::Object ds = vars.get(key);
      if (!ds.is_dataset()) throw IOError(cat(where, "/vars/", key, " is not a dataset"));
      if (ds.shape() != own[i].shape())
        throw ValueError(cat("Layer \"", layer.name(), "\" weight \"", own[i].name(), "\" has shape ",
                             own[i].shape().to_string(), " but the file holds shape ", ds.shape().to_string(), " at ",
                             where, "/vars/", key));
      Variable(own[i]).assign(ds.read());
    }
  }
  if (dynamic_cast<const models::Model*>(&layer)) {
    const auto children = saved_children(layer);
    const hdf5::Object lg = group.get("layers");
    std::map<std::string, int> counts;
    for (const auto& child : children) {
      const std::string base = saved_class_name(*child);
      const int n = counts[base]++;
      const std::string name = n == 0 ? base : base + "_" + std::to_string(n);
      if (!lg.has(name)) {
        if (child->weights().empty()) continue;
        throw ValueError(cat("Layer \"", child->name(), "\" has weights but the file has no group ", where, "/layers/", name));
      }
      read_object(lg.get(name), *child, where + "/layers/" + name);
    }
  }
  for (const auto& [name, sub] : layer.named_sublayers()) read_object(group.get(name), *sub, where + "/" + name);
}

// ---- assets (Keras's save_assets / load_assets): files under assets/<the object's
// weights path>/ in a .keras archive, the paths write_object uses for the weights.

/// Calls `visit(layer, path)` for `layer` and everything saved below it, with the path
/// Keras's saving_lib gives each ("layers/text_vectorization/_lookup_layer").
template <class Visit>
void walk_saved_objects(Layer& layer, const std::string& path, const Visit& visit) {
  visit(layer, path);
  const std::string prefix = path.empty() ? "" : path + "/";
  if (dynamic_cast<const models::Model*>(&layer)) {
    std::map<std::string, int> counts;
    for (const auto& child : saved_children(layer)) {
      const std::string base = saved_class_name(*child);
      const int n = counts[base]++;
      walk_saved_objects(*child, prefix + "layers/" + (n == 0 ? base : base + "_" + std::to_string(n)), visit);
    }
  }
  for (const auto& [name, sub] : layer.named_sublayers()) walk_saved_objects(*sub, prefix + name, visit);
}

std::vector<std::pair<std::string, std::vector<uint8_t>>> asset_entries(const models::Model& model) {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> entries;
  walk_saved_objects(const_cast<models::Model&>(model), "", [&](const Layer& layer, const std::string& path) {
    for (const auto& [name, text] : layer.save_assets())
      entries.emplace_back("assets/" + (path.empty() ? "" : path + "/") + name, bytes_of(text));
  });
  return entries;
}

/// Hands each object the files of its assets folder (not those of folders below it),
/// reading at most `max_bytes` of assets in all.
void load_assets(const ZipReader& zip, models::Model& model, uint64_t max_bytes) {
  const std::vector<std::string> names = zip.names();
  uint64_t total = 0;
  walk_saved_objects(model, "", [&](Layer& layer, const std::string& path) {
    const std::string folder = "assets/" + (path.empty() ? "" : path + "/");
    std::vector<std::pair<std::string, std::string>> files;
    for (const std::string& name : names) {
      if (name.size() <= folder.size() || name.compare(0, folder.size(), folder) != 0) continue;
      const std::string file = name.substr(folder.size());
      if (file.find('/') != std::string::npos) continue;
      total += zip.size(name);
      if (total > max_bytes)
        throw IOError(cat("the archive's assets exceed ", max_bytes >> 20, " MiB (at ", name, ")"));
      const auto bytes = zip.read(name, max_bytes);
      files.emplace_back(file, std::string(bytes.begin(), bytes.end()));
    }
    if (!files.empty()) layer.load_assets(files);
  });
}

// ---- optimizer state: optimizer/vars/0..n (Keras's optimizer.variables: iteration,
// learning_rate, then the slots in build() order), written for compiled models.

void write_optimizer(const hdf5::WriteGroup& root, const models::Model& model) {
  if (!model.compiled() || !model.optimizer()) return;
  hdf5::WriteGroup vars = root.create_group("optimizer").create_group("vars");
  vars.set_attribute("name", model.optimizer()->name());
  const TensorList values = model.optimizer()->state_values(model.trainable_weights());
  for (size_t i = 0; i < values.size(); ++i) vars.write_dataset(std::to_string(i), values[i]);
}

/// Restores the optimizer of a compiled model from the file's optimizer/vars. Like Keras,
/// a state that does not match (another optimizer, or one saved before its first step)
/// is skipped with a warning. Counts and shapes are checked against the model before
/// anything is read, so a hostile file cannot make the loader allocate more than the
/// model's own optimizer state.
void load_optimizer_state(const hdf5::Object& root, models::Model& model, const std::string& where) {
  if (!model.compiled() || !model.optimizer() || !root.has("optimizer")) return;
  const hdf5::Object group = root.get("optimizer");
  if (!group.has("vars")) return;
  const hdf5::Object vars = group.get("vars");
  const auto trainable = model.trainable_weights();
  const std::vector<Shape> expected = model.optimizer()->state_shapes(trainable);
  const size_t n = vars.keys().size();
  if (n != expected.size()) {
    std::cerr << "Warning: skipping variable loading for optimizer '" << model.optimizer()->name() << "', because it has "
              << expected.size() << " variables whereas the saved optimizer has " << n << " variables\n";
    return;
  }
  TensorList values;
  for (size_t i = 0; i < n; ++i) {
    const std::string key = std::to_string(i);
    if (!vars.has(key)) throw IOError(cat(where, ": optimizer/vars has no entry ", key));
    const hdf5::Object ds = vars.get(key);
    if (!ds.is_dataset()) throw IOError(cat(where, ": optimizer/vars/", key, " is not a dataset"));
    const Shape shape = ds.shape();
    const bool ok = expected[i].rank() == 0 ? shape.num_elements() == 1 : shape == expected[i];
    if (!ok)
      throw IOError(cat(where, ": optimizer/vars/", key, " has shape ", shape.to_string(), ", expected ",
                        expected[i].to_string()));
    values.push_back(ds.read());
  }
  model.optimizer()->load_state_values(trainable, values);
}

std::vector<uint8_t> weights_file_bytes(const models::Model& model, const std::string& name) {
  hdf5::Writer w(name);
  write_object(w.root(), model);
  write_optimizer(w.root(), model);
  return w.bytes();
}

// ---- compile config

}  // namespace

json optimizer_config_json(const optimizers::Optimizer& o) {
  json config = config_map_json(o.get_config());
  if (const auto* scaled = dynamic_cast<const optimizers::LossScaleOptimizer*>(&o)) {
    // Keras nests the inner optimizer's serialized object (always an object, never its
    // string name) after "name".
    json nested;
    for (auto it = config.begin(); it != config.end(); ++it) {
      nested[it.key()] = it.value();
      if (it.key() == "name")
        nested["inner_optimizer"] = json{{"module", "keras.optimizers"},
                                         {"class_name", scaled->inner_optimizer()->class_name()},
                                         {"config", optimizer_config_json(*scaled->inner_optimizer())},
                                         {"registered_name", nullptr}};
    }
    return nested;
  }
  const auto& lr = o.learning_rate_setting();
  if (lr.is_schedule())  // Keras nests the schedule's own serialized object
    config["learning_rate"] = json{{"module", "keras.optimizers.schedules"},
                                   {"class_name", lr.schedule().class_name()},
                                   {"config", config_map_json(lr.schedule().config())},
                                   {"registered_name", nullptr}};
  return config;
}

std::shared_ptr<optimizers::Optimizer> optimizer_from_json(const json& opt, const std::string& ctx, int depth) {
  if (opt.is_string()) return optimizers::OptimizerRef(opt.get<std::string>()).ptr();
  const std::string cls = to_string(need(opt, "class_name", ctx), ctx);
  const json* cfg = find(opt, "config");
  if (cls == "LossScaleOptimizer") {
    if (depth > 0) throw IOError(cat(ctx, ": a LossScaleOptimizer inside a LossScaleOptimizer"));
    if (!cfg) throw IOError(cat(ctx, ": LossScaleOptimizer without a config"));
    const json* inner = find(*cfg, "inner_optimizer");
    if (!inner) throw IOError(cat(ctx, ": LossScaleOptimizer config without inner_optimizer"));
    optimizers::LossScaleOptimizerOptions o;
    if (const json* n = find(*cfg, "name"); n && n->is_string()) o.name = n->get<std::string>();
    if (const json* s = find(*cfg, "initial_scale")) o.initial_scale = to_number(*s, ctx + " initial_scale");
    if (const json* g = find(*cfg, "dynamic_growth_steps")) {
      const double steps = to_number(*g, ctx + " dynamic_growth_steps");
      if (!(steps >= 1 && steps < 9e18 && steps == std::floor(steps)))
        throw IOError(cat(ctx, ": dynamic_growth_steps must be a positive integer"));
      o.dynamic_growth_steps = static_cast<int64_t>(steps);
    }
    // Keras refuses dynamic=False, the base optimizer's arguments away from their
    // defaults (they belong on the inner optimizer), and any other key.
    for (auto it = cfg->begin(); it != cfg->end(); ++it) {
      const std::string& key = it.key();
      const json& value = it.value();
      static const char* const own[] = {"name",          "inner_optimizer",    "initial_scale", "dynamic_growth_steps",
                                        "learning_rate", "is_legacy_optimizer"};
      static const char* const none_by_default[] = {"weight_decay",
                                                    "clipnorm",
                                                    "global_clipnorm",
                                                    "clipvalue",
                                                    "ema_overwrite_frequency",
                                                    "loss_scale_factor",
                                                    "gradient_accumulation_steps"};
      bool ok = std::find(std::begin(own), std::end(own), key) != std::end(own);
      if (key == "dynamic") ok = value == true;
      else if (key == "use_ema") ok = value == false;
      else if (key == "ema_momentum") ok = value.is_number() && value.get<double>() == 0.99;
      else if (std::find(std::begin(none_by_default), std::end(none_by_default), key) != std::end(none_by_default))
        ok = value.is_null();
      if (!ok)
        throw IOError(cat(ctx, ": LossScaleOptimizer does not support `", utils::excerpt(key),
                          "` = ", utils::excerpt(value.dump()), " (set it on the inner optimizer)"));
    }
    try {
      return std::make_shared<optimizers::LossScaleOptimizer>(
          optimizer_from_json(*inner, ctx + " inner_optimizer", depth + 1), o);
    } catch (const ValueError& e) {
      throw IOError(cat(ctx, ": ", e.what()));
    }
  }
  std::shared_ptr<optimizers::Optimizer> o = optimizers::from_config(cls, cfg ? to_config_map(*cfg, ctx) : ConfigMap{});
  if (const json* lr = cfg ? find(*cfg, "learning_rate") : nullptr; lr && lr->is_object()) {
    const std::string where = ctx + " learning_rate";
    const json* sc = find(*lr, "config");
    try {
      o->set_learning_rate(optimizers::schedules::LearningRateSchedule::from_config(
          to_string(need(*lr, "class_name", where), where), sc ? to_config_map(*sc, where) : ConfigMap{}));
    } catch (const ValueError& e) {
      throw IOError(cat(where, ": ", e.what()));
    }
  }
  return o;
}

namespace {

json optimizer_json(const optimizers::Optimizer& o) {
  if (!o.spec().empty() && !o.learning_rate_setting().is_schedule()) return o.spec();
  return json{{"module", "keras.optimizers"},
              {"class_name", o.class_name()},
              {"config", optimizer_config_json(o)},
              {"registered_name", nullptr}};
}

json loss_json(const losses::Loss& l) {
  if (!l.spec().empty()) return l.spec();
  if (l.class_name().empty())
    throw ValueError(cat("The custom loss \"", l.name(), "\" cannot be saved in compile_config; save without compiling"));
  return json{{"module", "keras.losses"},
              {"class_name", l.class_name()},
              {"config", config_map_json(l.config())},
              {"registered_name", nullptr}};
}

json metric_json(const metrics::MetricRef& m) {
  if (!m.spec().empty()) return m.spec();
  return json{{"module", "keras.metrics"},
              {"class_name", m.ptr()->class_name()},
              {"config", config_map_json(m.ptr()->get_config())},
              {"registered_name", nullptr}};
}

}  // namespace

json compile_config(const models::Model& model) {
  if (!model.compiled()) return json::object();  // Keras writes {} for a model never compiled
  const auto& o = model.compile_options();
  json c;
  c["optimizer"] = optimizer_json(*o.optimizer.ptr());
  if (!o.losses.empty()) {
    json l = json::array();
    for (const auto& x : o.losses) l.push_back(loss_json(x));
    c["loss"] = l;
  } else {
    c["loss"] = o.loss ? loss_json(*o.loss) : json(nullptr);
  }
  c["loss_weights"] = o.loss_weights.empty() ? json(nullptr) : json(o.loss_weights);
  // A list of metrics, one list per output, or null, as compile() was given them.
  auto metrics_json = [](const std::vector<metrics::MetricRef>& flat,
                         const std::vector<std::vector<metrics::MetricRef>>& per_output) {
    auto list_json = [](const std::vector<metrics::MetricRef>& list) {
      json ms = json::array();
      for (const auto& m : list) ms.push_back(metric_json(m));
      return ms;
    };
    if (per_output.empty()) return flat.empty() ? json(nullptr) : list_json(flat);
    json all = json::array();
    for (const auto& list : per_output) all.push_back(list_json(list));
    return all;
  };
  c["metrics"] = metrics_json(o.metrics, o.output_metrics);
  c["weighted_metrics"] = metrics_json(o.weighted_metrics, o.output_weighted_metrics);
  c["run_eagerly"] = false;
  c["steps_per_execution"] = 1;
  c["jit_compile"] = false;
  return c;
}

namespace {

/// A loss as Keras writes it: a name ("mse"), a function ({"class_name": "function",
/// "config": "mean_squared_error"}), a Loss object ({"class_name": "Huber", "config":
/// {...}}), or a LossFunctionWrapper whose "fn" names the function and whose other keys
/// are the function's arguments.
losses::Loss loss_from(const json& v, const std::string& ctx) {
  if (v.is_string()) return losses::Loss(v.get<std::string>());
  std::string cls = to_string(need(v, "class_name", ctx), ctx);
  const json* cfg = find(v, "config");
  if (cls == "function") {
    if (!cfg || !cfg->is_string()) throw IOError(cat(ctx, ": a loss function's config must be its name"));
    return losses::Loss(cfg->get<std::string>());
  }
  if (cls == "LossFunctionWrapper") {
    const json* fn = cfg ? find(*cfg, "fn") : nullptr;
    if (fn && fn->is_object()) fn = find(*fn, "config");
    if (!fn || !fn->is_string()) throw IOError(cat(ctx, ": a LossFunctionWrapper's fn must name a loss function"));
    cls = fn->get<std::string>();
  }
  return losses::Loss::from_config(cls, cfg ? to_config_map(*cfg, ctx) : ConfigMap{});
}

metrics::MetricRef metric_from(const json& v, const std::string& ctx) {
  if (v.is_string()) return metrics::MetricRef(v.get<std::string>());
  const std::string cls = to_string(need(v, "class_name", ctx), ctx);
  const json* cfg = find(v, "config");
  ConfigMap config = cfg ? to_config_map(*cfg, ctx) : ConfigMap{};
  // A MeanMetricWrapper's "fn" is a serialized function ({"class_name": "function",
  // "config": "mean_squared_error", ...}) or (Keras 2) its name.
  if (const json* fn = cfg ? find(*cfg, "fn") : nullptr) {
    const json* fn_name = fn->is_object() ? find(*fn, "config") : fn;
    if (fn_name && fn_name->is_string()) {
      std::erase_if(config, [](const auto& kv) { return kv.first == "fn"; });
      config.emplace_back("fn", fn_name->get<std::string>());
    }
  }
  return metrics::MetricRef(metrics::from_config(cls, config));
}

}  // namespace

namespace {

/// Keras's per-output dicts ({"output_name": value}) as lists in the model's output order.
/// Outputs the dict leaves out get `missing` (null: refused); a key naming no output is
/// refused, as Keras refuses it.
json by_output_name(const json& dict, const models::Model& model, const std::string& what, const json& missing) {
  const std::vector<std::string> names = model.output_names();  // empty before a graph exists
  for (auto it = dict.begin(); it != dict.end(); ++it)
    if (std::find(names.begin(), names.end(), it.key()) == names.end())
      throw IOError(cat(what, ": the key '", utils::excerpt(it.key()), "' names no output of the model"));
  json list = json::array();
  for (const auto& name : names) {
    if (const json* v = find(dict, name)) list.push_back(*v);
    else if (missing.is_null()) throw IOError(cat(what, ": nothing given for the output '", name, "'"));
    else list.push_back(missing);
  }
  return list;
}

}  // namespace

void apply_compile_config(models::Model& model, const json& config) {
  if (config.is_null() || (config.is_object() && config.empty())) return;
  const std::string ctx = "compile_config";
  json c = config;
  // Dicts by output name become lists in output order (metrics: one list per output).
  if (json* l = c.is_object() && c.contains("loss") ? &c["loss"] : nullptr;
      l && l->is_object() && !l->contains("class_name"))
    *l = by_output_name(*l, model, ctx + " loss", nullptr);
  if (json* w = c.is_object() && c.contains("loss_weights") ? &c["loss_weights"] : nullptr; w && w->is_object())
    *w = by_output_name(*w, model, ctx + " loss_weights", 1.0);
  for (const char* key : {"metrics", "weighted_metrics"}) {
    json* m = c.is_object() && c.contains(key) ? &c[key] : nullptr;
    if (!m || !m->is_object() || m->contains("class_name")) continue;
    json lists = by_output_name(*m, model, ctx + " " + key, json::array());
    for (json& x : lists)
      if (!x.is_array()) x = json::array({x});
    *m = lists;
  }
  models::CompileOptions o;
  o.optimizer = optimizer_from_json(need(c, "optimizer", ctx), ctx + " optimizer");
  if (const json* l = find(c, "loss")) {
    if (l->is_array()) {
      if (l->size() > 4096) throw IOError(cat(ctx, ": too many losses"));
      for (const auto& x : *l) o.losses.push_back(loss_from(x, ctx + " loss"));
    } else {
      o.loss = loss_from(*l, ctx + " loss");
    }
  }
  if (const json* w = find(c, "loss_weights")) {
    if (!w->is_array()) throw IOError(cat(ctx, ": loss_weights must be a list"));
    for (const auto& x : *w) o.loss_weights.push_back(to_number(x, ctx + " loss_weights"));
  }
  if (const json* m = find(c, "metrics")) {
    if (!m->is_array()) throw IOError(cat(ctx, ": metrics must be a list"));
    const bool nested = !m->empty() && (*m)[0].is_array();
    for (const auto& x : *m) {
      if (nested) {
        std::vector<metrics::MetricRef> list;
        for (const auto& y : x) list.push_back(metric_from(y, ctx + " metrics"));
        o.output_metrics.push_back(list);
      } else {
        o.metrics.push_back(metric_from(x, ctx + " metrics"));
      }
    }
  }
  if (const json* m = find(c, "weighted_metrics")) {
    if (!m->is_array()) throw IOError(cat(ctx, ": weighted_metrics must be a list"));
    if (m->size() > 4096) throw IOError(cat(ctx, ": too many weighted_metrics"));
    const bool nested = !m->empty() && (*m)[0].is_array();  // one list per output
    for (const auto& x : *m) {
      if (x.is_array() != nested) throw IOError(cat(ctx, ": weighted_metrics mixes lists and metrics"));
      if (!nested) {
        o.weighted_metrics.push_back(metric_from(x, ctx + " weighted_metrics"));
        continue;
      }
      if (x.size() > 4096) throw IOError(cat(ctx, ": too many weighted_metrics"));
      std::vector<metrics::MetricRef> list;
      for (const auto& y : x) list.push_back(metric_from(y, ctx + " weighted_metrics"));
      o.output_weighted_metrics.push_back(list);
    }
  }
  model.compile(o);
}

bool compile_or_warn(models::Model& model, const json& c, const std::string& path) {
  std::string reason;
  try {
    apply_compile_config(model, c);
    return true;
  } catch (const std::invalid_argument& e) {  // ValueError, TypeError: what we cannot rebuild
    reason = e.what();
  } catch (const IOError& e) {  // a form of compile_config this library does not read
    reason = e.what();
  }
  std::cerr << "Warning: " << path << " is loaded uncompiled: its compile_config could not be used (" << reason
            << "); call compile() to train it\n";
  return false;
}

// ---- .keras archives

namespace {

// Keras serializes the one global dtype policy object every default layer holds once per
// layer, marking each repeat, and (through a copy) not the first, with a
// "shared_object_id". Policies of one name stand for one object here; ids count from 1.
void mark_shared_dtype_policies(json& j, std::map<std::string, int>& seen) {
  if (j.is_object()) {
    if (j.value("class_name", "") == "DTypePolicy" && j.value("module", "") == "keras") {
      const auto c = j.find("config");
      const std::string policy = c != j.end() && c->is_object() ? c->value("name", "") : "";
      auto [it, first] = seen.emplace(policy, static_cast<int>(seen.size()) + 1);
      if (!first) j["shared_object_id"] = it->second;
      return;
    }
    for (auto& [key, value] : j.items()) mark_shared_dtype_policies(value, seen);
  } else if (j.is_array()) {
    for (auto& value : j) mark_shared_dtype_policies(value, seen);
  }
}

}  // namespace

json model_config(const models::Model& model) {
  json top = serialize_layer(model);
  std::map<std::string, int> policies;
  mark_shared_dtype_policies(top, policies);
  top.erase("build_config");
  top.erase("compile_config");  // both again below, in Keras's order, for the top model
  if (const auto* seq = dynamic_cast<const models::Sequential*>(&model)) {
    auto s = seq->input_shape();
    top["build_config"] = {{"input_shape", s ? shape_json(*s) : json(nullptr)}};
  } else {
    top["build_config"] = {{"input_shape", nullptr}};
  }
  top["compile_config"] = compile_config(model);
  return top;
}

namespace {

void save_keras(const models::Model& model, const std::string& path) {
  const json config = model_config(model);
  const json metadata = {{"keras_version", kKerasVersion}, {"date_saved", now_stamp()}};
  const auto weights = weights_file_bytes(model, "model.weights.h5");
  std::vector<std::pair<std::string, std::vector<uint8_t>>> entries{{"metadata.json", bytes_of(metadata.dump())},
                                                                    {"config.json", bytes_of(config.dump())},
                                                                    {"model.weights.h5", weights}};
  for (auto& asset : asset_entries(model)) entries.push_back(std::move(asset));
  const auto zip = make_zip(entries);
  utils::write_file_atomically(path, [&](std::ostream& out) {
    out.write(reinterpret_cast<const char*>(zip.data()), static_cast<std::streamsize>(zip.size()));
  });
}

std::shared_ptr<models::Model> as_model(std::shared_ptr<Layer> layer, const std::string& path) {
  auto model = std::dynamic_pointer_cast<models::Model>(layer);
  if (!model) throw IOError(cat(path, ": the file describes a ", layer->class_name(), ", not a model"));
  return model;
}

std::shared_ptr<models::Model> load_keras(const std::string& path, const LoadOptions& options) {
  ZipReader zip(path);
  if (!zip.has("config.json")) throw IOError(cat(path, ": not a .keras archive (no config.json)"));
  if (!zip.has("model.weights.h5")) {
    if (zip.has("model.weights.npz")) throw IOError(cat(path, ": weights stored as .npz are not supported"));
    throw IOError(cat(path, ": not a .keras archive (no model.weights.h5)"));
  }
  const auto config_bytes = zip.read("config.json", kMaxConfigBytes);
  const json config = parse_json(std::string(config_bytes.begin(), config_bytes.end()), path + " config.json");
  // What the weights entry can really hold: its bytes in the archive (Keras stores
  // entries uncompressed), or at most deflate's ~1032x of them; never the size the
  // directory claims, which a forged archive sets to anything.
  const uint64_t claimed = zip.size("model.weights.h5"), in_archive = zip.size_in_archive("model.weights.h5");
  const uint64_t measured = std::min(claimed, in_archive == claimed ? in_archive : in_archive * 1032);
  std::shared_ptr<models::Model> model;
  {
    // Building the layers may not allocate much more than the weights the file carries.
    detail::AllocationBudget budget(4 * measured + (uint64_t{64} << 20), path);
    model = as_model(deserialize_layer(config), path);
    // The entry may be as big as the model's weights with an optimizer's slots beside
    // them and HDF5's bookkeeping, no bigger: refuse before inflating it.
    uint64_t justified = uint64_t{1} << 20;
    for (const auto& v : model->weights()) justified += 6 * v.value().nbytes() + (uint64_t{16} << 10);
    if (claimed > justified)
      throw IOError(cat(path, ": model.weights.h5 is ", claimed, " bytes, more than the ", justified,
                        " the model's weights can fill"));
    auto weights = zip.read("model.weights.h5", justified);
    const hdf5::File file = hdf5::File::from_bytes(std::move(weights), path + " model.weights.h5");
    read_object(file.root(), *model, "");
    load_assets(zip, *model, kMaxAssetBytes);
    if (options.compile)
      if (const json* c = find(config, "compile_config"); c && compile_or_warn(*model, *c, path))
        load_optimizer_state(file.root(), *model, path);
  }
  return model;
}

bool starts_with_bytes(const std::string& path, const char* magic, size_t n) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IOError(cat("Cannot open ", path));
  std::string head(n, '\0');
  in.read(head.data(), static_cast<std::streamsize>(n));
  return in.gcount() == static_cast<std::streamsize>(n) && head.compare(0, n, magic, n) == 0;
}

}  // namespace

std::shared_ptr<models::Model> load_model(const std::string& path, LoadOptions options) {
  // Only regular files: a FIFO nobody writes to would block the open below forever, and
  // the archive reader needs to seek.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
    throw IOError(cat(path, ": not a regular file (models are read from files, not pipes, devices or directories)"));
  if (starts_with_bytes(path, "PK\x03\x04", 4)) return load_keras(path, options);
  if (starts_with_bytes(path, "\x89HDF\r\n\x1a\n", 8)) return load_legacy_h5(path, options);
  throw IOError(cat(path, ": neither a .keras archive nor a Keras .h5 file"));
}

namespace {
void write_model_file(const models::Model& model, const std::string& path) {
  if (ends_with(path, ".weights.h5"))
    throw ValueError(cat("save_model: \"", path, "\" is a weights file name; use save_weights, or a .keras / .h5 path"));
  if (ends_with(path, ".h5") || ends_with(path, ".hdf5")) return save_legacy_h5(model, path);
  if (!ends_with(path, ".keras"))
    throw ValueError(cat("save_model: unknown extension for \"", path, "\": use .keras (Keras 3) or .h5 (legacy)"));
  save_keras(model, path);
}

}  // namespace

// With several processes (DataParallel) saving is collective: rank 0 writes, and every
// process returns once the file is there, so that any of them can load it right after.
void save_model(const models::Model& model, const std::string& path) {
  const auto dist = model.distribution();
  if (dist->is_chief()) write_model_file(model, path);
  dist->barrier();
}

void save_weights(const models::Model& model, const std::string& path) {
  if (!ends_with(path, ".weights.h5"))
    throw ValueError(cat("save_weights: the file name must end in .weights.h5, got \"", path, "\""));
  const auto dist = model.distribution();
  if (dist->is_chief()) {
    const auto bytes = weights_file_bytes(model, path);
    utils::write_file_atomically(path, [&](std::ostream& out) {
      out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    });
  }
  dist->barrier();
}

void load_weights(models::Model& model, const std::string& path, LoadWeightsOptions options) {
  const hdf5::File f = hdf5::File::open(path);
  // Legacy files: a whole model (model_config, model_weights) or Keras 2's save_weights
  // (layer_names on the root), as Keras's ImageNet files are.
  const bool legacy =
      f.root().attribute("model_config") || f.root().has("model_weights") || f.root().attribute("layer_names");
  if (legacy)
    return options.by_name ? load_legacy_weights_by_name(model, f, path, options.skip_mismatch)
                           : load_legacy_weights(model, f, path);
  if (options.by_name)
    throw ValueError(cat(path,
                         ": by_name loading is for legacy .h5 weights files; this is a Keras 3 weights file, "
                         "which loads by the model's structure"));
  read_object(f.root(), model, "");
  load_optimizer_state(f.root(), model, path);
}

}  // namespace keras::saving

namespace keras::models {

void Model::save(const std::string& path) const { saving::save_model(*this, path); }
void Model::save_weights(const std::string& path) const { saving::save_weights(*this, path); }
void Model::load_weights(const std::string& path) { saving::load_weights(*this, path); }

}  // namespace keras::models
