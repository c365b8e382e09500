// Configs of models: Sequential (a list of layer entries) and Functional (layer entries
// with their inbound nodes, input_layers, output_layers), as Keras 3 writes them in
// config.json, and as Keras 2 wrote them in legacy .h5 files.
#include "saving/model_configs.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "keras/layers/call_kwargs.h"
#include "keras/layers/core/input_layer.h"
#include "keras/layers/core/op_layers.h"
#include "keras/layers/layer_config.h"
#include "keras/layers/pooling/global_average_pooling1d.h"
#include "keras/layers/registry.h"
#include "keras/layers/rnn/bidirectional.h"
#include "keras/layers/rnn/time_distributed.h"
#include "keras/models/sequential.h"
#include "keras/saving/saving.h"
#include "saving/json_utils.h"

namespace keras::saving {

using keras::detail::cat;
using layers::KerasTensor;
using layers::KerasTensors;
using layers::Layer;

namespace {

constexpr size_t kMaxLayers = 100000;

// ---- Sequential

}  // namespace

json sequential_config(const models::Sequential& m) {
  json c = m.Layer::get_config();
  json list = json::array();
  if (m.input_layer()) list.push_back(serialize_layer(*m.input_layer()));
  for (const auto& layer : m.layers()) list.push_back(serialize_layer(*layer));
  c["layers"] = list;
  if (auto s = m.input_shape()) c["build_input_shape"] = shape_json(*s);
  return c;
}

namespace {

std::shared_ptr<Layer> sequential_from(const json& c) {
  const layers::ConfigReader reader(c);
  const std::string ctx = "Sequential " + reader.context();
  const auto a = reader.layer_args();
  auto model = std::make_shared<models::Sequential>(std::initializer_list<layers::LayerHandle>{}, a.name);
  const json& list = need(c, "layers", ctx);
  if (!list.is_array()) throw IOError(cat(ctx, ": \"layers\" is not a list"));
  if (list.size() > kMaxLayers) throw IOError(cat(ctx, ": too many layers"));
  for (const auto& entry : list) model->add(deserialize_layer(entry));
  if (!model->built())
    if (const json* s = find(c, "build_input_shape")) model->build(to_shape(*s, ctx + " build_input_shape"));
  model->set_trainable(a.trainable);
  return model;
}

// ---- Functional

json keras_tensor_json(const KerasTensor& t, const std::map<std::pair<const Layer*, int>, int>& node_ids) {
  auto it = node_ids.find({t.layer.get(), t.node_index});
  const int node_index = it == node_ids.end() ? t.node_index : it->second;
  return json{{"class_name", "__keras_tensor__"},
              {"config",
               {{"shape", shape_json(t.shape)},
                {"dtype", std::string(dtype_name(t.dtype))},
                {"keras_history", json::array({t.layer->name(), node_index, t.tensor_index})}}}};
}

// Keras's Layer.__call__ writes into a node's kwargs a `mask` (None when the input has
// none) for every layer whose call() takes one, and `training` when call()'s default for
// it is False (Dropout's `training=False`, not BatchNormalization's `training=None`).
// Which layers those are is read off their Keras call() signatures.
bool call_takes_mask(const Layer& l) {
  static const std::set<std::string> kMaskInCall = {
      "BatchNormalization", "Bidirectional", "TimeDistributed", "GlobalAveragePooling1D", "Softmax", "Lambda",
      "Sequential",         "Functional"};
  return dynamic_cast<const layers::RNN*>(&l) || kMaskInCall.count(l.class_name()) > 0;
}

bool call_training_defaults_false(const Layer& l) {
  static const std::set<std::string> kTrainingFalse = {"Dropout",          "AlphaDropout",         "GaussianDropout",
                                                       "GaussianNoise",    "SpatialDropout1D",     "SpatialDropout2D",
                                                       "SpatialDropout3D", "SpectralNormalization"};
  return dynamic_cast<const layers::RNN*>(&l) || kTrainingFalse.count(l.class_name()) > 0;
}

/// The args and kwargs of a call of a layer with keyword arguments (layers/call_kwargs.h).
json kwargs_node_json(const layers::CallKwargs& kw, const std::vector<KerasTensor>& inputs,
                      const std::map<std::pair<const Layer*, int>, int>& node_ids) {
  json args = json::array();
  json positional = json::array();
  for (size_t i = 0; i < kw.num_args && i < inputs.size(); ++i)
    positional.push_back(keras_tensor_json(inputs[i], node_ids));
  if (kw.args_as_list) args.push_back(positional);
  else args = positional;
  json kwargs = kw.values;
  for (size_t i = 0; i < kw.tensor_names.size() && kw.num_args + i < inputs.size(); ++i) {
    const std::string& name = kw.tensor_names[i];
    const json t = keras_tensor_json(inputs[kw.num_args + i], node_ids);
    const size_t slash = name.find('/');
    if (slash == std::string::npos) {
      kwargs[name] = t;
      continue;
    }
    json& list = kwargs[name.substr(0, slash)];
    const size_t at = std::stoul(name.substr(slash + 1));
    if (!list.is_array()) list = json::array();
    while (list.size() <= at) list.push_back(nullptr);
    list[at] = t;
  }
  return json{{"args", args}, {"kwargs", kwargs}};
}

}  // namespace

json functional_config(const models::Model& m) {
  const Layer& l = m;
  // Keras numbers each layer's calls within this model from 0 (node_reindexing_map).
  std::map<std::pair<const Layer*, int>, int> node_ids;
  std::map<const Layer*, std::vector<int>> calls;
  for (const auto& [layer, index] : m.graph_nodes()) {
    auto& list = calls[layer.get()];
    list.push_back(index);
  }
  for (auto& [layer, list] : calls) {
    std::sort(list.begin(), list.end());
    for (size_t i = 0; i < list.size(); ++i) node_ids[{layer, list[i]}] = static_cast<int>(i);
  }
  json c;
  c["name"] = l.name();
  c["trainable"] = l.trainable();
  json list = json::array();
  for (const auto& layer : m.operations()) {
    json e = serialize_layer(*layer);
    e["name"] = layer->name();
    json nodes = json::array();
    auto it = calls.find(layer.get());
    if (it != calls.end() && layer->class_name() != "InputLayer") {
      const auto layer_nodes = layer->inbound_nodes();  // the model's own calls are alive: it holds their outputs
      for (int index : it->second) {
        const auto& node = *layer_nodes.at(static_cast<size_t>(index));
        json args = json::array();
        const auto* op = dynamic_cast<const layers::BinaryOperation*>(layer.get());
        if (const auto* k = dynamic_cast<const layers::KwargsLayer*>(layer.get())) {
          nodes.push_back(kwargs_node_json(k->node_kwargs(index, node.inputs.size()), node.inputs, node_ids));
          continue;
        }
        if (node.inputs_as_list && !op) {  // an operation's two operands are two arguments: add(x, y)
          json group = json::array();
          for (const auto& t : node.inputs) group.push_back(keras_tensor_json(t, node_ids));
          args.push_back(group);
        } else if (op && op->constant()) {
          const json t = keras_tensor_json(node.inputs.at(0), node_ids);
          args = op->constant_first() ? json::array({*op->constant(), t}) : json::array({t, *op->constant()});
        } else {
          for (const auto& t : node.inputs) args.push_back(keras_tensor_json(t, node_ids));  // x, or x and y
        }
        if (const auto* ne = dynamic_cast<const layers::NotEqual*>(layer.get())) args.push_back(ne->value());
        // Keras records the `training` and `mask` arguments of the layers whose call takes them.
        json kwargs = json::object();
        if (call_training_defaults_false(*layer)) kwargs["training"] = false;
        if (call_takes_mask(*layer) || node.mask)
          kwargs["mask"] = node.mask ? keras_tensor_json(*node.mask, node_ids) : json(nullptr);
        if (!node.initial_state.empty()) {
          json states = json::array();
          for (const auto& t : node.initial_state) states.push_back(keras_tensor_json(t, node_ids));
          kwargs["initial_state"] = states;
        }
        nodes.push_back(json{{"args", args}, {"kwargs", kwargs}});
      }
    }
    e["inbound_nodes"] = nodes;
    list.push_back(e);
  }
  c["layers"] = list;
  auto refs = [&](const KerasTensors& ts) {
    json out = json::array();
    for (const auto& t : ts) {
      auto id = node_ids.find({t.layer.get(), t.node_index});
      out.push_back(json::array({t.layer->name(), id == node_ids.end() ? 0 : id->second, t.tensor_index}));
    }
    return ts.size() == 1 ? out[0] : out;  // Keras writes a single triple unwrapped
  };
  c["input_layers"] = refs(m.inputs());
  c["output_layers"] = refs(m.outputs());
  return c;
}

namespace {

/// [name, node, tensor] triples from "input_layers" / "output_layers" (one triple or a list).
std::vector<std::tuple<std::string, int, int>> layer_refs(const json& v, const std::string& ctx) {
  std::vector<std::tuple<std::string, int, int>> out;
  auto one = [&](const json& t) {
    if (!t.is_array() || t.size() < 3) throw IOError(cat(ctx, ": bad layer reference ", t.dump().substr(0, 60)));
    out.emplace_back(to_string(t[0], ctx), to_index(t[1], ctx), to_index(t[2], ctx));
  };
  if (!v.is_array()) throw IOError(cat(ctx, ": expected a list"));
  if (!v.empty() && v[0].is_string()) one(v);
  else
    for (const auto& t : v) one(t);
  return out;
}

using TensorRef = std::tuple<std::string, int, int>;

struct NodeSpec {
  std::vector<TensorRef> inputs;
  bool as_list = false;
  std::optional<TensorRef> mask;        // the `mask` keyword argument
  std::vector<TensorRef> initial_state;  // recurrent layers' `initial_state`
  std::vector<double> constants;         // numbers among the positional arguments (NotEqual's value, x + 3.0)
  bool constant_first = false;           // the number came before the tensor (3.0 - x)
  // Layers with keyword call arguments (layers/call_kwargs.h): the tensor ones by name
  // ("key", "mask/1"), the others as written.
  std::vector<std::pair<std::string, TensorRef>> tensor_kwargs;
  json values = json::object();
};

/// A node of a layer entry, in Keras 3 form {"args": [...], "kwargs": {...}} or Keras 2
/// form [[name, node, tensor, kwargs], ...].
NodeSpec node_spec(const json& node, const std::string& ctx, bool kwargs_layer) {
  NodeSpec spec;
  auto ref_of = [&](const json& t) {
    const json& cfg = need(t, "config", ctx);
    const json& h = need(cfg, "keras_history", ctx);
    if (!h.is_array() || h.size() < 3) throw IOError(cat(ctx, ": bad keras_history"));
    return TensorRef{to_string(h[0], ctx), to_index(h[1], ctx), to_index(h[2], ctx)};
  };
  auto tensor_ref = [&](const json& t) { spec.inputs.push_back(ref_of(t)); };
  auto is_tensor = [](const json& t) {
    return t.is_object() && t.contains("class_name") && t["class_name"] == "__keras_tensor__";
  };
  // Every tensor in a (possibly nested) list, in order.
  std::function<void(const json&, std::vector<TensorRef>&)> tensors_in = [&](const json& v, std::vector<TensorRef>& out) {
    if (is_tensor(v)) out.push_back(ref_of(v));
    else if (v.is_array())
      for (const auto& e : v) tensors_in(e, out);
    else if (!v.is_null()) throw IOError(cat(ctx, ": expected tensors, got ", v.dump().substr(0, 60)));
  };
  if (node.is_object()) {
    const json& args = need(node, "args", ctx);
    if (!args.is_array() || args.empty()) throw IOError(cat(ctx, ": a node without arguments"));
    if (args[0].is_array()) {
      spec.as_list = true;
      for (const auto& t : args[0]) {
        if (!is_tensor(t)) throw IOError(cat(ctx, ": a node argument is not a tensor"));
        tensor_ref(t);
      }
    } else if (args[0].is_number() && args.size() == 2 && is_tensor(args[1])) {  // an operation: 3.0 - x
      spec.constants.push_back(to_number(args[0], ctx));
      spec.constant_first = true;
    } else {
      if (!is_tensor(args[0])) throw IOError(cat(ctx, ": a node argument is not a tensor"));
      tensor_ref(args[0]);
    }
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i].is_number() && !spec.constant_first) spec.constants.push_back(to_number(args[i], ctx));
      else if (is_tensor(args[i]) && i == 1 && !spec.as_list) tensor_ref(args[i]);  // an operation: x + y
      else throw IOError(cat(ctx, ": positional argument ", i, " of a call is not supported"));
    }
    const json* kw = find(node, "kwargs");
    if (kw && !kw->is_object() && !kw->is_null())
      throw IOError(cat(ctx, ": the node's kwargs is a ", kw->type_name(), ", not a dict"));
    if (kw && kw->is_null()) kw = nullptr;
    if (kw && kwargs_layer) {
      for (auto it = kw->begin(); it != kw->end(); ++it) {
        if (is_tensor(it.value())) {
          spec.tensor_kwargs.emplace_back(it.key(), ref_of(it.value()));
        } else if (it.value().is_array() && std::any_of(it.value().begin(), it.value().end(), is_tensor)) {
          if (it.value().size() > 16) throw IOError(cat(ctx, ": call argument \"", it.key(), "\" is too long a list"));
          json skeleton = json::array();
          for (size_t i = 0; i < it.value().size(); ++i) {
            const json& e = it.value()[i];
            skeleton.push_back(nullptr);
            if (is_tensor(e)) spec.tensor_kwargs.emplace_back(it.key() + "/" + std::to_string(i), ref_of(e));
            else if (!e.is_null())
              throw IOError(cat(ctx, ": call argument \"", it.key(), "\" mixes tensors and values"));
          }
          spec.values[it.key()] = skeleton;
        } else {
          spec.values[it.key()] = it.value();
        }
      }
    } else if (kw) {
      for (auto it = kw->begin(); it != kw->end(); ++it) {
        if (it.key() == "mask") {
          std::vector<TensorRef> m;
          tensors_in(it.value(), m);
          if (m.size() > 1) throw IOError(cat(ctx, ": one mask per call is supported, got ", m.size()));
          if (!m.empty()) spec.mask = m[0];
        } else if (it.key() == "initial_state") {
          tensors_in(it.value(), spec.initial_state);
        } else if (is_tensor(it.value()) || it.value().is_array()) {
          throw IOError(cat(ctx, ": call argument \"", it.key(), "\" is not supported yet"));
        }
      }
    }
  } else if (node.is_array()) {  // Keras 2
    for (const auto& t : node) {
      if (!t.is_array() || t.size() < 3) throw IOError(cat(ctx, ": bad inbound node"));
      spec.inputs.emplace_back(to_string(t[0], ctx), to_index(t[1], ctx), to_index(t[2], ctx));
    }
    spec.as_list = spec.inputs.size() > 1;
  } else {
    throw IOError(cat(ctx, ": bad inbound node"));
  }
  if (spec.inputs.empty()) throw IOError(cat(ctx, ": a node without inputs"));
  return spec;
}

std::shared_ptr<Layer> functional_from(const json& c) {
  const layers::ConfigReader reader(c);
  const std::string ctx = "Functional " + reader.context();
  const auto a = reader.layer_args();
  const json& list = need(c, "layers", ctx);
  if (!list.is_array()) throw IOError(cat(ctx, ": \"layers\" is not a list"));
  if (list.size() > kMaxLayers) throw IOError(cat(ctx, ": too many layers"));

  std::vector<std::shared_ptr<Layer>> created;
  std::map<std::string, std::shared_ptr<Layer>> by_name;
  std::vector<std::vector<NodeSpec>> pending;
  for (const auto& entry : list) {
    std::shared_ptr<Layer> layer = deserialize_layer(entry);
    const std::string name = find(entry, "name") ? to_string(entry["name"], ctx) : layer->name();
    if (!by_name.emplace(name, layer).second) throw IOError(cat(ctx, ": two layers are named \"", name, "\""));
    std::vector<NodeSpec> nodes;
    if (const json* in = find(entry, "inbound_nodes")) {
      if (!in->is_array()) throw IOError(cat(ctx, ": inbound_nodes of \"", name, "\" is not a list"));
      const bool kwargs_layer = dynamic_cast<const layers::KwargsLayer*>(layer.get()) != nullptr;
      for (const auto& n : *in) nodes.push_back(node_spec(n, ctx + " layer \"" + name + "\"", kwargs_layer));
    }
    created.push_back(layer);
    pending.push_back(std::move(nodes));
  }

  // Symbolic outputs of every processed call: (layer name, call index) -> tensors.
  std::map<std::pair<std::string, int>, KerasTensors> tensors;
  std::vector<size_t> done(created.size(), 0);
  for (size_t i = 0; i < created.size(); ++i)
    if (auto in = std::dynamic_pointer_cast<layers::InputLayer>(created[i])) tensors[{in->name(), 0}] = in->output();
  // Calls run once all their inputs exist; a pass without progress means the graph is broken.
  bool progress = true;
  size_t remaining = 0;
  for (const auto& p : pending) remaining += p.size();
  while (remaining > 0 && progress) {
    progress = false;
    for (size_t i = 0; i < created.size(); ++i) {
      while (done[i] < pending[i].size()) {
        const NodeSpec& spec = pending[i][done[i]];
        bool ready = true;
        auto lookup = [&](const TensorRef& ref) -> std::optional<KerasTensor> {
          const auto& [name, node, index] = ref;
          auto it = tensors.find({name, node});
          if (it == tensors.end()) return std::nullopt;
          if (index < 0 || static_cast<size_t>(index) >= it->second.size())
            throw IOError(cat(ctx, ": layer \"", name, "\" has no output ", index));
          return it->second[static_cast<size_t>(index)];
        };
        KerasTensors inputs;
        layers::CallArgs call_args;
        for (const auto& ref : spec.inputs) {
          auto t = lookup(ref);
          if (!t) ready = false;
          else inputs.push_back(*t);
        }
        if (spec.mask) {
          call_args.mask = lookup(*spec.mask);
          ready &= call_args.mask.has_value();
        }
        for (const auto& ref : spec.initial_state) {
          auto t = lookup(ref);
          if (!t) ready = false;
          else call_args.initial_state.push_back(*t);
        }
        for (const auto& [kw_name, ref] : spec.tensor_kwargs) {
          auto t = lookup(ref);
          if (!t) ready = false;
          else inputs.push_back(*t);
        }
        if (!ready) break;
        auto binary = std::dynamic_pointer_cast<layers::BinaryOperation>(created[i]);
        if (binary && spec.constants.size() > 1)
          throw IOError(cat(ctx, ": operation \"", created[i]->name(), "\" has more than one number operand"));
        if (auto ne = std::dynamic_pointer_cast<layers::NotEqual>(created[i]); ne && !spec.constants.empty())
          ne->set_value(spec.constants[0]);
        else if (binary && !spec.constants.empty()) binary->set_constant(spec.constants[0], spec.constant_first);
        else if (!spec.constants.empty())  // a number this layer would silently ignore
          throw IOError(cat(ctx, ": layer \"", created[i]->name(), "\" (", created[i]->class_name(),
                            ") is called with a number as a positional argument, which it does not take"));
        KerasTensors out;
        if (dynamic_cast<const layers::KwargsLayer*>(created[i].get())) {
          layers::CallKwargs kw{.num_args = spec.inputs.size(), .args_as_list = spec.as_list};
          for (const auto& [kw_name, ref] : spec.tensor_kwargs) kw.tensor_names.push_back(kw_name);
          kw.values = spec.values;
          try {
            out = layers::KwargsLayer::call_symbolic_with(created[i], inputs, kw);
          } catch (const ValueError& e) {
            throw IOError(cat(ctx, ": ", e.what()));
          }
        } else {
          out = Layer::call_symbolic(created[i], inputs, call_args);
        }
        tensors[{created[i]->name(), static_cast<int>(done[i])}] = out;
        ++done[i];
        --remaining;
        progress = true;
      }
    }
  }
  if (remaining > 0) throw IOError(cat(ctx, ": the layer graph is disconnected or cyclic"));

  auto resolve = [&](const json& refs) {
    KerasTensors out;
    for (const auto& [name, node, index] : layer_refs(refs, ctx)) {
      auto it = tensors.find({name, node});
      if (it == tensors.end() || index < 0 || static_cast<size_t>(index) >= it->second.size())
        throw IOError(cat(ctx, ": unknown tensor ", name, "[", node, "][", index, "]"));
      out.push_back(it->second[static_cast<size_t>(index)]);
    }
    return out;
  };
  auto model = std::make_shared<models::Model>(resolve(need(c, "input_layers", ctx)), resolve(need(c, "output_layers", ctx)),
                                               a.name);
  model->set_trainable(a.trainable);
  return model;
}

}  // namespace

void register_model_classes() {
  layers::register_class("Sequential", {.from_config = sequential_from, .module = "keras"});
  const layers::LayerClass functional{
      .from_config = functional_from, .module = "keras.src.models.functional", .registered_name = "Functional"};
  layers::register_class("Functional", functional);
  layers::register_class("Model", functional);  // tf.keras's name
}

}  // namespace keras::saving
