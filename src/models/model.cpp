// The functional graph: building the execution plan from symbolic tensors (Keras's
// function.py map_graph, same ordering rules), running it, and compile().
#include "keras/models/model.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include "backend/allocation_lifetime.h"
#include "keras/autograd/gradient_tape.h"
#include "keras/config/config.h"
#include "keras/layers/call_kwargs.h"
#include "keras/layers/core/input_layer.h"
#include "keras/ops/core.h"
#include "keras/optimizers/loss_scale_optimizer.h"
#include "models/inference_fusion.h"
#include "saving/model_configs.h"

namespace keras::models {

using keras::detail::cat;
using layers::KerasTensor;
using layers::KerasTensors;
using layers::Layer;
using layers::Node;

namespace {

struct NodeRef {
  Layer* layer;
  int index;
  const Node* call;  // kept alive by the tensors the graph is built from
  bool operator<(const NodeRef& o) const { return std::tie(layer, index) < std::tie(o.layer, o.index); }
  bool operator==(const NodeRef& o) const { return layer == o.layer && index == o.index; }
  const Node& node() const { return *call; }
};

NodeRef ref_of(const KerasTensor& t) {
  if (!t.layer || !t.node)
    throw ValueError("A symbolic tensor has no history; make symbolic inputs with keras::Input() and call layers on them");
  return {t.layer.get(), t.node_index, t.node.get()};
}

bool same_tensor(const KerasTensor& a, const KerasTensor& b) {
  return a.layer == b.layer && a.node_index == b.node_index && a.tensor_index == b.tensor_index;
}

using Owners = std::map<const Layer*, std::shared_ptr<Layer>>;

/// Inputs must come from keras::Input() and outputs must have a history.
void check_endpoints(const std::string& model, const KerasTensors& inputs, const KerasTensors& outputs) {
  if (inputs.empty()) throw ValueError(cat("Model \"", model, "\": needs at least one input"));
  if (outputs.empty()) throw ValueError(cat("Model \"", model, "\": needs at least one output"));
  for (const auto& t : inputs) {
    if (!t.layer || !dynamic_cast<layers::InputLayer*>(t.layer.get()))
      throw ValueError(cat("Model \"", model, "\": all inputs must come from keras::Input(); got a tensor made by ",
                           t.layer ? "layer \"" + t.layer->name() + "\"" : std::string("nothing")));
  }
  for (const auto& t : outputs)
    if (!t.layer)
      throw ValueError(cat("Model \"", model, "\": an output has no history (use keras::Input and layers)"));
}

/// The graph between the inputs and the outputs, as the depth-first walk found it.
struct GraphMap {
  std::vector<NodeRef> ordered;          // nodes from inputs to outputs
  std::map<const Layer*, int> op_index;  // each layer's first-visit index
};

/// Depth-first walk from the outputs (Keras's _build_map), stopping at the model's inputs.
GraphMap discover_graph(const std::string& model, const KerasTensors& inputs, const KerasTensors& outputs) {
  GraphMap map;
  std::set<NodeRef> finished, in_progress;
  std::function<void(const KerasTensor&)> visit = [&](const KerasTensor& t) {
    const NodeRef r = ref_of(t);
    if (finished.count(r)) return;
    if (in_progress.count(r))
      throw ValueError(cat("Model \"", model, "\": layer \"", t.layer->name(), "\" is part of a cycle"));
    map.op_index.emplace(t.layer.get(), static_cast<int>(map.op_index.size()));
    in_progress.insert(r);
    bool is_model_input = false;
    for (const auto& in : inputs) is_model_input |= same_tensor(in, t);
    if (!r.node().is_input() && !is_model_input)
      for (const auto& parent : r.node().dependencies()) visit(parent);
    finished.insert(r);
    in_progress.erase(r);
    map.ordered.push_back(r);
  };
  for (const auto& t : outputs) visit(t);
  return map;
}

/// The shared_ptr behind every layer the graph touches (NodeRef holds raw pointers).
Owners layer_owners(const GraphMap& map, const KerasTensors& inputs, const KerasTensors& outputs) {
  Owners owners;
  for (const auto& r : map.ordered)
    for (const auto& t : r.node().dependencies()) owners[t.layer.get()] = t.layer;
  for (const auto& t : outputs) owners[t.layer.get()] = t.layer;
  for (const auto& t : inputs) owners[t.layer.get()] = t.layer;
  return owners;
}

/// Keras's model.layers order: by depth (outputs 0, growing towards the inputs, deepest
/// first), then by first-visit index. Layer names must be unique.
std::vector<std::shared_ptr<Layer>> order_operations(const std::string& model, const GraphMap& map,
                                                     const KerasTensors& inputs, const Owners& owners) {
  std::map<NodeRef, int> node_depth;
  std::map<const Layer*, int> op_depth;
  for (auto it = map.ordered.rbegin(); it != map.ordered.rend(); ++it) {
    int depth = node_depth.emplace(*it, 0).first->second;
    depth = std::max(depth, op_depth[it->layer]);
    op_depth[it->layer] = depth;
    node_depth[*it] = depth;
    for (const auto& parent : it->node().dependencies()) {
      auto& d = node_depth[ref_of(parent)];
      d = std::max(d, depth + 1);
    }
  }
  std::map<const Layer*, int> op_index = map.op_index;
  for (const auto& t : inputs) {
    if (!op_depth.count(t.layer.get())) {  // an input no output depends on
      op_depth[t.layer.get()] = 0;
      op_index[t.layer.get()] = -1;
    }
  }
  std::vector<const Layer*> ops;
  for (const auto& [op, d] : op_depth) ops.push_back(op);
  std::stable_sort(ops.begin(), ops.end(), [&](const Layer* a, const Layer* b) {
    if (op_depth[a] != op_depth[b]) return op_depth[a] > op_depth[b];
    return op_index[a] < op_index[b];
  });
  std::vector<std::shared_ptr<Layer>> operations;
  std::set<std::string> names;
  for (const Layer* op : ops) {
    if (!names.insert(op->name()).second)
      throw ValueError(cat("The name \"", op->name(), "\" is used more than once in the model \"", model,
                           "\". All layer names should be unique."));
    operations.push_back(owners.at(op));
  }
  return operations;
}

/// The execution plan's slots: one per symbolic tensor, numbered in first-use order, and
/// the set of those the plan can compute so far.
class SlotTable {
 public:
  int slot(const Layer* l, int node, int tensor) {
    auto [it, fresh] = slot_of_.emplace(std::tuple{l, node, tensor}, static_cast<int>(slot_of_.size()));
    return it->second;
  }
  int slot(const KerasTensor& t) { return slot(t.layer.get(), t.node_index, t.tensor_index); }
  int size() const { return static_cast<int>(slot_of_.size()); }
  void mark_computable(int s) { computable_.insert(s); }
  bool computable(int s) const { return computable_.count(s) > 0; }

 private:
  std::map<std::tuple<const Layer*, int, int>, int> slot_of_;
  std::set<int> computable_;
};

/// One step per layer call in `ordered` (model inputs excluded), reading and writing slots.
/// A template only because the step type is Model's private Step.
template <class Step>
std::vector<Step> plan_steps(const GraphMap& map, const KerasTensors& inputs, const Owners& owners, SlotTable& slots) {
  std::vector<Step> steps;
  for (const auto& r : map.ordered) {
    if (r.node().is_input()) continue;
    bool is_model_input = false;
    for (const auto& in : inputs) is_model_input |= (ref_of(in) == r);
    if (is_model_input) continue;
    Step step;
    step.layer = owners.at(r.layer);
    auto slot_of_input = [&](const KerasTensor& t) {
      const int s = slots.slot(t);
      if (!slots.computable(s))
        throw ValueError(cat("Graph disconnected: cannot obtain the value of the input of layer \"", r.layer->name(),
                             "\" from the model's inputs. Is an input missing from Model(inputs, ...)?"));
      return s;
    };
    for (const auto& t : r.node().inputs) step.in_slots.push_back(slot_of_input(t));
    if (r.node().mask) step.mask_slot = slot_of_input(*r.node().mask);
    for (const auto& t : r.node().initial_state) step.state_slots.push_back(slot_of_input(t));
    for (size_t k = 0; k < r.node().output_shapes.size(); ++k) {
      const int s = slots.slot(r.layer, r.index, static_cast<int>(k));
      step.out_slots.push_back(s);
      slots.mark_computable(s);
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

/// The call index of each step's node, for layers that record keyword arguments per call
/// (layers/call_kwargs.h): steps follow graph_nodes without the input nodes and the
/// model's inputs (plan_steps), so the two lists line up. -1 where no step needs it.
template <class Step>
std::vector<int> step_node_indices(const std::vector<Step>& steps_,
                                   const std::vector<std::pair<std::shared_ptr<Layer>, int>>& graph_nodes_,
                                   const KerasTensors& inputs_, const std::string& model_name) {
  std::vector<int> out(steps_.size(), -1);
  bool any = false;
  for (const auto& step : steps_) any |= dynamic_cast<const layers::KwargsLayer*>(step.layer.get()) != nullptr;
  if (!any) return out;
  size_t k = 0;
  for (const auto& [layer, index] : graph_nodes_) {
    bool is_model_input = false;
    for (const auto& t : inputs_) is_model_input |= t.layer == layer && t.node_index == index;
    if (is_model_input) continue;
    const auto nodes = layer->inbound_nodes();
    if (static_cast<size_t>(index) < nodes.size() && nodes[static_cast<size_t>(index)] &&
        nodes[static_cast<size_t>(index)]->is_input())
      continue;
    if (k >= steps_.size() || steps_[k].layer != layer)
      throw RuntimeError(cat("Model \"", model_name, "\": the graph's calls and its execution plan do not line up"));
    out[k++] = index;
  }
  return out;
}

}  // namespace

Model::Model(std::string class_name, const layers::LayerArgs& args) : Layer(std::move(class_name), args) {}

Model::Model(const KerasTensors& inputs, const KerasTensors& outputs, std::string name)
    : Layer("Functional", layers::LayerArgs{.input_shape = {},
                                            .name = name.empty() ? layers::unique_name("functional") : name,
                                            .dtype = {},
                                            .trainable = true}) {
  init_graph(inputs, outputs);
}

std::shared_ptr<Layer> Model::move_to_shared() && { return std::make_shared<Model>(std::move(*this)); }

void Model::init_graph(const KerasTensors& inputs, const KerasTensors& outputs) {
  check_endpoints(name(), inputs, outputs);
  const GraphMap map = discover_graph(name(), inputs, outputs);
  const Owners owners = layer_owners(map, inputs, outputs);
  operations_ = order_operations(name(), map, inputs, owners);

  // Execution plan: one slot per symbolic tensor.
  SlotTable slots;
  inputs_ = inputs;
  outputs_ = outputs;
  input_slots_.clear();
  for (const auto& t : inputs) input_slots_.push_back(slots.slot(t));
  for (int s : input_slots_) slots.mark_computable(s);
  graph_nodes_.clear();
  for (const auto& r : map.ordered) graph_nodes_.push_back({owners.at(r.layer), r.index});
  for (const auto& t : inputs) {  // inputs no output depends on are still part of the model
    bool listed = false;
    for (const auto& [l, i] : graph_nodes_) listed |= l == t.layer;
    if (!listed) graph_nodes_.insert(graph_nodes_.begin(), {t.layer, t.node_index});
  }
  steps_ = plan_steps<Step>(map, inputs, owners, slots);
  output_slots_.clear();
  for (const auto& t : outputs) {
    const int s = slots.slot(t);
    if (!slots.computable(s))
      throw ValueError(cat("Graph disconnected: output from layer \"", t.layer->name(),
                           "\" cannot be computed from the model's inputs"));
    output_slots_.push_back(s);
  }
  num_slots_ = slots.size();

  // What the activation budget needs: each slot's size and its last reader.
  slots_.assign(static_cast<size_t>(num_slots_), SlotInfo{});
  auto info = [](const Shape& shape, DType dtype, const std::string& layer) {
    double bytes = static_cast<double>(dtype_size(dtype));
    for (int i = 1; i < shape.rank(); ++i)
      if (shape[i] != kNone) bytes *= static_cast<double>(shape[i]);
    return SlotInfo{shape.rank() == 0 ? 0.0 : bytes, shape, dtype, layer};
  };
  for (size_t i = 0; i < inputs.size(); ++i)
    slots_[static_cast<size_t>(input_slots_[i])] = info(inputs[i].shape, inputs[i].dtype, inputs[i].layer->name());
  for (const auto& r : map.ordered) {
    const layers::Node& node = r.node();
    for (size_t k = 0; k < node.output_shapes.size() && k < node.output_dtypes.size(); ++k)
      slots_[static_cast<size_t>(slots.slot(r.layer, r.index, static_cast<int>(k)))] =
          info(node.output_shapes[k], node.output_dtypes[k], r.layer->name());
  }
  last_read_.assign(static_cast<size_t>(num_slots_), 0);
  for (size_t n = 0; n < steps_.size(); ++n) {
    for (int s : steps_[n].in_slots) last_read_[static_cast<size_t>(s)] = n;
    if (steps_[n].mask_slot >= 0) last_read_[static_cast<size_t>(steps_[n].mask_slot)] = n;
    for (int s : steps_[n].state_slots) last_read_[static_cast<size_t>(s)] = n;
  }
  for (int s : output_slots_) last_read_[static_cast<size_t>(s)] = steps_.size();
  activation_bytes_per_row_ = activation_peak(false).bytes_per_row;

  untrack_layers();
  for (const auto& op : operations_) track_layer(op);
  set_built();
  // The model computes where its layers' weights are (they were built just now, on the
  // default device, unless they were built before): fit and predict move batches there.
  const auto ws = weights();
  Layer::to(ws.empty() ? default_device() : ws.front().device());
}

std::vector<std::shared_ptr<Layer>> Model::layers() const {
  std::vector<std::shared_ptr<Layer>> out;
  for (const auto& op : operations_)
    if (!op->is_operation()) out.push_back(op);
  return out;
}

std::shared_ptr<Layer> Model::get_layer(const std::string& layer_name) const {
  const auto ls = layers();
  for (const auto& l : ls)
    if (l->name() == layer_name) return l;
  std::string known;
  for (const auto& l : ls) known += (known.empty() ? "" : ", ") + l->name();
  throw ValueError(cat("No such layer: ", layer_name, ". Existing layers are: [", known, "]."));
}

std::vector<std::string> Model::output_names() const {
  std::vector<std::string> out;
  for (const auto& t : outputs_) out.push_back(t.layer->name());
  return out;
}

std::vector<std::string> Model::input_names() const {
  std::vector<std::string> out;
  for (const auto& t : inputs_) out.push_back(t.layer->name());
  return out;
}

Model::ActivationPeak Model::activation_peak(bool find_largest) const {
  ActivationPeak peak;
  std::vector<char> alive(slots_.size(), 0);
  double live = 0;
  auto appear = [&](int s) {
    if (s < 0 || alive[static_cast<size_t>(s)]) return;
    alive[static_cast<size_t>(s)] = 1;
    live += slots_[static_cast<size_t>(s)].bytes_per_row;
  };
  auto release_after = [&](size_t n, int s) {
    if (s < 0 || !alive[static_cast<size_t>(s)] || last_read_[static_cast<size_t>(s)] != n) return;
    alive[static_cast<size_t>(s)] = 0;
    live -= slots_[static_cast<size_t>(s)].bytes_per_row;
  };
  auto note_peak = [&] {
    if (live <= peak.bytes_per_row) return;
    peak.bytes_per_row = live;
    if (!find_largest) return;
    for (size_t s = 0; s < alive.size(); ++s)
      if (alive[s] && (peak.largest_slot < 0 ||
                       slots_[s].bytes_per_row > slots_[static_cast<size_t>(peak.largest_slot)].bytes_per_row))
        peak.largest_slot = static_cast<int>(s);
  };
  for (int s : input_slots_) appear(s);
  note_peak();
  for (size_t n = 0; n < steps_.size(); ++n) {
    for (int s : steps_[n].out_slots) appear(s);
    note_peak();
    for (int s : steps_[n].in_slots) release_after(n, s);
    release_after(n, steps_[n].mask_slot);
    for (int s : steps_[n].state_slots) release_after(n, s);
  }
  return peak;
}

namespace {
Shape batch_of(Shape shape, int64_t rows) {
  if (shape.rank() > 0) shape[0] = rows;
  return shape;
}

std::string readable_bytes(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) bytes /= 1024, ++u;
  std::ostringstream out;
  out << std::setprecision(u == 0 ? 20 : 3) << bytes << ' ' << units[u];
  return out.str();
}
}  // namespace

void Model::check_activation_budget(int64_t rows) const {
  const double budget = static_cast<double>(config::max_activation_bytes());
  if (activation_bytes_per_row_ * static_cast<double>(rows) <= budget) return;
  const ActivationPeak peak = activation_peak(true);
  std::string largest;
  if (peak.largest_slot >= 0) {
    const SlotInfo& big = slots_[static_cast<size_t>(peak.largest_slot)];
    largest = cat(" The largest tensor then alive is layer \"", big.layer, "\"'s output of shape ",
                  batch_of(big.shape, rows).to_string(), " (", dtype_name(big.dtype), ", ",
                  readable_bytes(big.bytes_per_row * static_cast<double>(rows)), ").");
  }
  throw ResourceExhaustedError(
      cat("Model \"", name(), "\": a batch of ", rows, " needs at least ",
          readable_bytes(peak.bytes_per_row * static_cast<double>(rows)), " of activations at once, over the limit of ",
          readable_bytes(budget), ".", largest,
          " Use smaller batches, or raise the limit with keras::config::set_max_activation_bytes."));
}

int64_t Model::max_rows_within_activation_budget() const {
  const double per_row = has_graph() ? activation_bytes_per_row_ : 0.0;
  if (per_row <= 0) return std::numeric_limits<int64_t>::max();
  const double rows = std::floor(static_cast<double>(config::max_activation_bytes()) / per_row);
  if (rows < 1) return 1;  // run_graph then refuses with the reasons
  return rows >= 9e18 ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(rows);
}

TensorList Model::run_graph(const TensorList& inputs, bool training) {
  if (!inputs.empty() && inputs[0].rank() > 0) check_activation_budget(inputs[0].dim(0));
  std::vector<Tensor> slots(static_cast<size_t>(num_slots_));
  for (size_t i = 0; i < inputs.size(); ++i) slots[static_cast<size_t>(input_slots_[i])] = inputs[i];
  const std::vector<int> node_index = step_node_indices(steps_, graph_nodes_, inputs_, name());
  // Each slot's tensor is dropped after its last reader (last_read_), so a batch holds
  // the activations still to be read, not every one it made (the tape keeps what
  // backward needs by itself). Outputs are read at the end.
  auto release_after = [&](size_t n, int s) {
    if (s >= 0 && last_read_[static_cast<size_t>(s)] == n) slots[static_cast<size_t>(s)] = Tensor();
  };
  auto out_of_memory = [&](const Step& step, const TensorList& in) {
    std::string shapes;
    for (const auto& t : in) shapes += (shapes.empty() ? "" : ", ") + t.shape().to_string();
    return ResourceExhaustedError(cat("Model \"", name(), "\": layer \"", step.layer->name(),
                                      "\" ran out of memory on inputs of shape ", shapes));
  };
  // At inference, chains [ZeroPadding] -> Conv -> BatchNormalization -> Add -> activation
  // run as one convolution with post-ops (models/inference_fusion.h), at the chain's
  // first step; the steps it stands for are then skipped. Planned per call: a walk over
  // the steps, small beside the kernels.
  std::vector<fusion::StepView> views;
  std::vector<std::optional<fusion::ConvChain>> chains;
  std::vector<bool> absorbed(steps_.size(), false);
  // At inference each activation is freed after its last reader: the allocator may then
  // hand it a somewhat larger cached block (backend/allocation_lifetime.h).
  std::optional<backend::AllocationLifetimeScope> lifetime;
  if (!training && !autograd::is_recording()) {
    lifetime.emplace(backend::AllocationLifetime::short_lived);
    views.reserve(steps_.size());
    for (const Step& s : steps_) {
      fusion::StepView& v = views.emplace_back();
      v.layer = s.layer.get();
      v.in_slots = &s.in_slots;
      v.out_slots = &s.out_slots;
      v.other_reads = s.state_slots;
      if (s.mask_slot >= 0) v.other_reads.push_back(s.mask_slot);
      v.plain = v.other_reads.empty() && !dynamic_cast<const layers::KwargsLayer*>(s.layer.get());
    }
    chains = fusion::plan(views, num_slots_, output_slots_);
  }
  // A first call at this batch size creates the chains' convolutions up front, on every
  // thread at once (fusion::prepare_all).
  if (!chains.empty() && !inputs.empty() && inputs[0].rank() > 0) {
    const int64_t rows = inputs[0].dim(0);
    fusion::prepare_all(chains, views, [&](size_t n) -> std::optional<std::pair<Shape, DType>> {
      const SlotInfo& in = slots_[static_cast<size_t>(steps_[n].in_slots[0])];
      Shape shape = in.shape;
      if (shape.rank() < 1) return std::nullopt;
      shape[0] = rows;
      if (std::any_of(shape.begin(), shape.end(), [](int64_t d) { return d < 0; })) return std::nullopt;
      return std::make_pair(shape, in.dtype);
    });
  }
  for (size_t n = 0; n < steps_.size(); ++n) {
    const Step& step = steps_[n];
    if (absorbed[n]) {  // its output came with the chain's convolution
      for (int s : step.in_slots) release_after(n, s);
      continue;
    }
    // The model's outputs outlive the call (predict keeps every batch's until it joins
    // them): they are not short-lived.
    auto returned = [&](int s) { return last_read_[static_cast<size_t>(s)] == steps_.size(); };
    std::optional<backend::AllocationLifetimeScope> kept;
    if (lifetime && (std::any_of(step.out_slots.begin(), step.out_slots.end(), returned) ||
                     (!chains.empty() && chains[n] && returned(chains[n]->out_slot))))
      kept.emplace(backend::AllocationLifetime::usual);
    if (!chains.empty() && chains[n]) {
      const fusion::ConvChain& chain = *chains[n];
      const int x_slot = step.in_slots[0];
      Tensor residual;
      if (chain.add) {
        Tensor& r = slots[static_cast<size_t>(chain.residual_slot)];
        // Only the Add reads it from here on: the convolution may add onto its buffer.
        residual = chain.residual_read_only_here ? std::move(r) : r;
      }
      std::optional<Tensor> y;
      try {
        y = fusion::run(chain, views, slots[static_cast<size_t>(x_slot)], residual);
      } catch (const std::bad_alloc&) {
        throw out_of_memory(step, {slots[static_cast<size_t>(x_slot)]});
      }
      if (y) {
        slots[static_cast<size_t>(chain.out_slot)] = std::move(*y);
        for (size_t a : chain.absorbed()) absorbed[a] = true;
        release_after(n, x_slot);
        continue;
      }
      if (chain.add && chain.residual_read_only_here) slots[static_cast<size_t>(chain.residual_slot)] = residual;
    }
    TensorList in;
    in.reserve(step.in_slots.size());
    for (int s : step.in_slots) in.push_back(slots[static_cast<size_t>(s)]);
    layers::CallContext ctx{training};
    if (step.mask_slot >= 0) ctx.masks = {slots[static_cast<size_t>(step.mask_slot)]};
    for (int s : step.state_slots) ctx.initial_state.push_back(slots[static_cast<size_t>(s)]);
    TensorList out;
    try {
      if (const auto* k = dynamic_cast<const layers::KwargsLayer*>(step.layer.get())) {
        const layers::CallKwargs kw = k->node_kwargs(node_index[n], in.size());
        layers::CallKwargsScope scope(k, &kw);
        out = (*step.layer)(in, ctx);
      } else {
        out = (*step.layer)(in, ctx);
      }
    } catch (const std::bad_alloc&) {
      throw out_of_memory(step, in);
    }
    if (out.size() != step.out_slots.size())
      throw RuntimeError(cat("Layer \"", step.layer->name(), "\" returned ", out.size(), " tensors where its graph node has ",
                             step.out_slots.size()));
    for (size_t k = 0; k < out.size(); ++k) slots[static_cast<size_t>(step.out_slots[k])] = std::move(out[k]);
    for (int s : step.in_slots) release_after(n, s);
    release_after(n, step.mask_slot);
    for (int s : step.state_slots) release_after(n, s);
  }
  TensorList result;
  for (int s : output_slots_) result.push_back(slots[static_cast<size_t>(s)]);
  return result;
}

void Model::to(Device device) {
  Layer::to(device);
  if (optimizer_) optimizer_->to(device);
}

TensorList Model::standardize_inputs(const TensorList& x_in) {
  if (!has_graph()) throw ValueError(cat("Model \"", name(), "\" has no layers"));
  if (x_in.size() != inputs_.size())
    throw ValueError(cat("Layer \"", name(), "\" expects ", inputs_.size(), " input(s), but it received ", x_in.size(),
                         " input tensors."));
  TensorList x = x_in;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!x[i].defined()) throw ValueError(cat("Input ", i, " of model \"", name(), "\" is undefined"));
    const auto* in = static_cast<const layers::InputLayer*>(inputs_[i].layer.get());
    const Shape& want = in->batch_shape();
    // Keras fixes a rank off by one when the model's input ends in a size-1 axis:
    // (N, 28, 28) feeds a (None, 28, 28, 1) model.
    if (x[i].rank() == want.rank() - 1 && want.back() == 1) x[i] = ops::expand_dims(x[i], -1);
    else if (x[i].rank() == want.rank() + 1 && x[i].dim(-1) == 1) x[i] = ops::squeeze(x[i], -1);
    layers::assert_input_compatibility(in->input_spec(), x[i].shape(), name(), i);
    if (x[i].dtype() != in->input_dtype()) x[i] = ops::cast(x[i], in->input_dtype());
  }
  return x;
}

TensorList Model::call(const TensorList& inputs, const layers::CallContext& ctx) {
  TensorList x = standardize_inputs(inputs);
  for (size_t i = 0; i < x.size(); ++i) {  // a nested model's inputs keep their masks
    const Tensor m = ctx.mask(i);
    if (!m.defined() || x[i].keras_mask().impl() == m.impl()) continue;
    x[i] = ops::reshape(x[i], x[i].shape());
    x[i].set_keras_mask(m);
  }
  return run_graph(x, ctx.training);
}

std::vector<Shape> Model::compute_output_shape(const std::vector<Shape>& input_shapes) {
  std::vector<Shape> out;
  for (const auto& t : outputs_) {
    Shape s = t.shape;
    if (!input_shapes.empty() && input_shapes[0].rank() > 0 && s.rank() > 0) s[0] = input_shapes[0][0];
    out.push_back(s);
  }
  return out;
}

// ---- compile

void Model::compile(optimizers::OptimizerRef optimizer, losses::Loss loss, std::vector<metrics::MetricRef> metrics) {
  compile(CompileOptions{std::move(optimizer), std::move(loss), {}, {}, std::move(metrics), {}});
}

void Model::compile(CompileOptions o) {
  compile_options_ = o;
  optimizer_ = o.optimizer.ptr();
  if (!optimizer_) throw ValueError("compile: optimizer must not be null");
  // float16 gradients underflow without loss scaling (Keras's auto_scale_loss).
  if (o.auto_scale_loss && dtype_policy().name() == "mixed_float16" &&
      !dynamic_cast<optimizers::LossScaleOptimizer*>(optimizer_.get()))
    optimizer_ = std::make_shared<optimizers::LossScaleOptimizer>(optimizer_);
  const size_t n = has_graph() ? outputs_.size() : 1;  // an unbuilt Sequential has one output
  output_losses_.assign(n, std::nullopt);
  if (!o.losses.empty()) {
    if (o.loss) throw ValueError("compile: give `loss` or `losses`, not both");
    if (o.losses.size() != n)
      throw ValueError(cat("compile: `losses` has ", o.losses.size(), " entries but the model has ", n, " outputs"));
    for (size_t i = 0; i < n; ++i) output_losses_[i] = o.losses[i];
  } else if (o.loss) {
    for (size_t i = 0; i < n; ++i) output_losses_[i] = *o.loss;
  }
  loss_weights_ = o.loss_weights.empty() ? std::vector<double>(n, 1.0) : o.loss_weights;
  if (loss_weights_.size() != n)
    throw ValueError(cat("compile: `loss_weights` has ", loss_weights_.size(), " entries but the model has ", n, " outputs"));

  std::vector<std::string> names = has_graph() ? output_names() : std::vector<std::string>{""};
  auto prefix = [&](size_t i, const std::string& metric) { return n > 1 ? names[i] + "_" + metric : metric; };
  // Logged names as Keras's CompileMetrics.result: a repeated name gets "_1", "_2", ...; a
  // weighted metric named like one before becomes "weighted_<name>" first.
  std::map<std::string, int> seen;
  auto unique = [&](std::string name, const std::string& weighted_name) {
    if (!seen.contains(name)) {
      seen[name] = 1;
      return name;
    }
    if (!weighted_name.empty()) {
      name = weighted_name;
      if (!seen.contains(name)) {
        seen[name] = 1;
        return name;
      }
    }
    return cat(name, "_", seen[name]++);
  };
  auto add = [&](size_t i, std::shared_ptr<metrics::Metric> metric, bool weighted) {
    const std::string base = metric->name();
    metrics_.push_back(
        {unique(prefix(i, base), weighted ? prefix(i, "weighted_" + base) : ""), i, std::move(metric), weighted});
  };
  // Names apply to every output; an object serves a model with one output.
  auto add_list = [&](const std::vector<metrics::MetricRef>& list, bool weighted, const char* argument) {
    for (const auto& m : list) {
      if (!m.ptr()) throw ValueError(cat("compile: a metric in `", argument, "` is null"));
      if (n > 1 && m.spec().empty())
        throw ValueError(cat("compile: a metric object in `", argument,
                             "` cannot serve several outputs; name it by string or use `output_", argument, "`"));
      for (size_t i = 0; i < n; ++i) add(i, i == 0 ? m.ptr() : metrics::get(m.spec()), weighted);
    }
  };
  // Names for every output (objects for one), or one list per output.
  auto add_metrics = [&](const std::vector<metrics::MetricRef>& flat,
                         const std::vector<std::vector<metrics::MetricRef>>& per_output, bool weighted,
                         const std::string& argument) {
    if (per_output.empty()) return add_list(flat, weighted, argument.c_str());
    const std::string lists = "output_" + argument;
    if (!flat.empty()) throw ValueError(cat("compile: give `", argument, "` or `", lists, "`, not both"));
    if (per_output.size() != n)
      throw ValueError(
          cat("compile: `", lists, "` has ", per_output.size(), " lists but the model has ", n, " outputs"));
    for (size_t i = 0; i < n; ++i)
      for (const auto& m : per_output[i]) {
        if (!m.ptr()) throw ValueError(cat("compile: a metric in `", lists, "` is null"));
        add(i, m.ptr(), weighted);
      }
  };
  metrics_.clear();
  add_metrics(o.metrics, o.output_metrics, false, "metrics");
  add_metrics(o.weighted_metrics, o.output_weighted_metrics, true, "weighted_metrics");
  output_loss_trackers_.clear();
  if (n > 1)
    for (size_t i = 0; i < n; ++i) output_loss_trackers_.emplace_back(names[i] + "_loss");
  compiled_ = true;
}

Config Model::get_config() const { return saving::functional_config(*this); }

}  // namespace keras::models
