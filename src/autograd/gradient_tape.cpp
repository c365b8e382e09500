// The backward engine: a topological walk from the target's node, accumulating the
// gradient of every tensor that flows into a recorded op.
#include "keras/autograd/gradient_tape.h"

#include <unordered_map>
#include <unordered_set>

#include "autograd/backward_profiler.h"
#include "keras/autograd/node.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::autograd {

namespace {
thread_local int g_recording = 0;  // > 0 while a GradientTape is alive and not paused

/// Adds `grad` into the gradient of a tensor of dtype `dtype`. A gradient of another
/// float dtype (a float32 mask times a bfloat16 gradient, in mixed precision) is cast
/// back to the tensor's, so every gradient has its tensor's dtype.
void accumulate(Tensor& slot, const Tensor& grad, DType dtype) {
  if (!grad.defined()) return;
  const Tensor g =
      grad.dtype() != dtype && is_floating(grad.dtype()) && is_floating(dtype) ? ops::cast(grad, dtype) : grad;
  slot = slot.defined() ? ops::add(slot, g) : g;
}

/// Where each requested source's gradient is reported: leaves by impl, non-leaves by
/// (node, output number); the values are indices into `sources`.
struct SourceIndex {
  std::unordered_map<const detail::TensorImpl*, std::vector<size_t>> leaves;
  std::unordered_map<const Node*, std::vector<std::pair<uint32_t, size_t>>> nodes;
};

SourceIndex index_sources(const TensorList& sources) {
  SourceIndex index;
  for (size_t i = 0; i < sources.size(); ++i) {
    const Tensor& s = sources[i];
    if (!s.defined()) continue;
    if (s.impl()->grad_fn) index.nodes[s.impl()->grad_fn.get()].push_back({s.impl()->output_nr, i});
    else index.leaves[s.impl()].push_back(i);
  }
  return index;
}

/// For each node reachable from root, how many recorded uses feed gradients into it;
/// and for each leaf, how many uses send it a gradient (when they have all run, its
/// gradient is final).
struct Pending {
  std::unordered_map<Node*, int> nodes;
  std::unordered_map<const detail::TensorImpl*, int> leaves;
};

Pending count_pending(Node* root) {
  Pending pending;
  std::vector<Node*> stack{root};
  std::unordered_set<Node*> seen{root};
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (auto& in : n->inputs) {
      if (in.leaf && in.needs_grad) ++pending.leaves[in.leaf.get()];
      if (!in.node) continue;
      ++pending.nodes[in.node.get()];
      if (seen.insert(in.node.get()).second) stack.push_back(in.node.get());
    }
  }
  return pending;
}

/// The gradients of n's outputs, with zeros for the outputs nothing used.
TensorList output_gradients(const Node* n, TensorList g) {
  g.resize(n->outputs.size());
  for (size_t k = 0; k < g.size(); ++k)
    if (!g[k].defined()) g[k] = Tensor::zeros(n->outputs[k].shape, n->outputs[k].dtype, n->outputs[k].device);
  return g;
}

/// Runs one node's backward (timed when KERAS_PROFILE_BACKWARD is set) and checks it
/// returns one gradient per input.
TensorList node_backward(Node* n, const TensorList& g) {
  std::vector<bool> needs(n->inputs.size());
  for (size_t k = 0; k < needs.size(); ++k) needs[k] = n->inputs[k].needs_grad;
  TensorList in_grads = BackwardProfiler::run(n->name, [&] { return n->backward(g, needs); });
  if (in_grads.size() != n->inputs.size())
    throw RuntimeError(detail::cat("internal: backward of '", n->name, "' returned ", in_grads.size(),
                                   " gradients for ", n->inputs.size(), " inputs"));
  return in_grads;
}
}  // namespace

bool is_recording() { return g_recording > 0; }

bool should_record(std::initializer_list<const Tensor*> inputs) {
  if (g_recording <= 0) return false;
  for (const Tensor* t : inputs)
    if (t->defined() && t->requires_grad()) return true;
  return false;
}

bool should_record(const TensorList& inputs) {
  if (g_recording <= 0) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

void record(std::string name, const TensorList& inputs, const std::vector<Tensor*>& outputs, BackwardFn backward) {
  auto node = std::make_shared<Node>();
  node->name = std::move(name);
  node->backward = std::move(backward);
  node->inputs.reserve(inputs.size());
  for (const Tensor& t : inputs) {
    Node::Input in;
    if (t.defined() && t.requires_grad()) {
      in.needs_grad = true;
      if (t.impl()->grad_fn) {
        in.node = t.impl()->grad_fn;
        in.output_nr = t.impl()->output_nr;
      } else {
        in.leaf = t.impl_ptr();
      }
    }
    node->inputs.push_back(std::move(in));
  }
  uint32_t nr = 0;
  for (Tensor* out : outputs) {
    node->outputs.push_back({out->shape(), out->dtype(), out->device()});
    out->impl()->requires_grad = true;
    out->impl()->grad_fn = node;
    out->impl()->output_nr = nr++;
  }
}

GradientTape::GradientTape() { ++g_recording; }
GradientTape::~GradientTape() { --g_recording; }

void GradientTape::watch(Tensor& t) {
  if (t.impl()->grad_fn) return;  // already tracked through its op
  t.set_requires_grad(true);
}

TensorList GradientTape::gradient(const Tensor& target, const TensorList& sources, const Tensor& output_gradient) {
  return gradient(target, sources, output_gradient, GradientReady());
}

TensorList GradientTape::gradient(const Tensor& target, const TensorList& sources, const Tensor& output_gradient,
                                  const GradientReady& on_ready) {
  NoGradGuard pause;  // backward computations are not recorded themselves
  TensorList result(sources.size());
  if (!target.requires_grad()) return result;

  Tensor seed = output_gradient;
  if (!seed.defined()) {
    seed = Tensor::ones(target.shape(), target.dtype(), target.device());
  } else if (seed.shape() != target.shape()) {
    throw ValueError(detail::cat("GradientTape.gradient: output_gradient shape ", seed.shape().to_string(),
                                 " differs from target shape ", target.shape().to_string()));
  }

  const SourceIndex index = index_sources(sources);
  const detail::TensorImpl* target_impl = target.impl();
  if (!target_impl->grad_fn) {  // the target is a leaf itself
    auto it = index.leaves.find(target_impl);
    if (it != index.leaves.end())
      for (size_t i : it->second) result[i] = seed;
    return result;
  }

  Node* root = target_impl->grad_fn.get();
  Pending pending = count_pending(root);

  // Walk the graph in dependency order: a node runs once every use has sent its gradient.
  std::unordered_map<Node*, TensorList> grads;
  grads[root].resize(root->outputs.size());
  grads[root][target_impl->output_nr] = seed;
  std::unordered_map<const detail::TensorImpl*, Tensor> leaf_grads;

  std::vector<Node*> ready{root};
  while (!ready.empty()) {
    Node* n = ready.back();
    ready.pop_back();
    const TensorList g = output_gradients(n, std::move(grads[n]));
    grads.erase(n);
    if (auto it = index.nodes.find(n); it != index.nodes.end())
      for (auto [out_nr, i] : it->second) result[i] = g[out_nr];
    const TensorList in_grads = node_backward(n, g);

    for (size_t k = 0; k < n->inputs.size(); ++k) {
      auto& in = n->inputs[k];
      if (!in.needs_grad) continue;
      if (in.node) {
        auto& slot = grads[in.node.get()];
        slot.resize(in.node->outputs.size());
        accumulate(slot[in.output_nr], in_grads[k], in.node->outputs[in.output_nr].dtype);
        if (--pending.nodes[in.node.get()] == 0) ready.push_back(in.node.get());
      } else if (in.leaf) {
        Tensor& slot = leaf_grads[in.leaf.get()];
        accumulate(slot, in_grads[k], in.leaf->dtype);
        if (--pending.leaves[in.leaf.get()] == 0 && on_ready && slot.defined())
          if (auto it = index.leaves.find(in.leaf.get()); it != index.leaves.end())
            for (size_t i : it->second) on_ready(i, slot);
      }
    }
  }

  for (const auto& [impl, indices] : index.leaves) {
    auto it = leaf_grads.find(impl);
    if (it == leaf_grads.end()) continue;
    for (size_t i : indices) result[i] = it->second;
  }
  return result;
}

NoGradGuard::NoGradGuard() : saved_(g_recording) { g_recording = 0; }
NoGradGuard::~NoGradGuard() { g_recording = saved_; }

}  // namespace keras::autograd
