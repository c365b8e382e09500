#include "keras/activations/activations.h"

#include <map>

#include "keras/ops/math.h"
#include "keras/ops/nn.h"
#include "utils/excerpt.h"

namespace keras::activations {

namespace {

const std::map<std::string, Activation::Fn>& table() {
  // Defaults follow keras/src/activations/activations.py (e.g. leaky_relu's slope is
  // 0.2 as a function, gelu is exact as a function).
  static const std::map<std::string, Activation::Fn> t = {
      {"relu", [](const Tensor& x) { return ops::relu(x); }},
      {"relu6", [](const Tensor& x) { return ops::relu6(x); }},
      {"leaky_relu", [](const Tensor& x) { return ops::leaky_relu(x, 0.2); }},
      {"elu", [](const Tensor& x) { return ops::elu(x, 1.0); }},
      {"selu", [](const Tensor& x) { return ops::selu(x); }},
      {"sigmoid", [](const Tensor& x) { return ops::sigmoid(x); }},
      {"tanh", [](const Tensor& x) { return ops::tanh(x); }},
      {"softplus", [](const Tensor& x) { return ops::softplus(x); }},
      {"softsign", [](const Tensor& x) { return ops::softsign(x); }},
      {"silu", [](const Tensor& x) { return ops::silu(x); }},
      {"swish", [](const Tensor& x) { return ops::silu(x); }},
      {"gelu", [](const Tensor& x) { return ops::gelu(x, /*approximate=*/false); }},
      {"hard_sigmoid", [](const Tensor& x) { return ops::hard_sigmoid(x); }},
      {"hard_silu", [](const Tensor& x) { return ops::hard_silu(x); }},
      {"hard_swish", [](const Tensor& x) { return ops::hard_silu(x); }},
      {"mish", [](const Tensor& x) { return ops::mish(x); }},
      {"exponential", [](const Tensor& x) { return ops::exp(x); }},
      {"log_sigmoid", [](const Tensor& x) { return ops::log_sigmoid(x); }},
      {"softmax", [](const Tensor& x) { return ops::softmax(x, -1); }},
      {"log_softmax", [](const Tensor& x) { return ops::log_softmax(x, -1); }},
  };
  return t;
}

}  // namespace

Activation::Activation(const char* name) : Activation(std::string(name)) {}

Activation::Activation(const std::string& name) {
  if (name.empty() || name == "linear" || name == "None" || name == "none") return;
  const auto& t = table();
  auto it = t.find(name);
  if (it == t.end()) {
    std::string known = "linear";
    for (const auto& [k, v] : t) known += ", " + k;
    throw ValueError(detail::cat("Could not interpret activation function identifier: '", utils::excerpt(name),
                                 "'. Known: ", known));
  }
  // Keras's aliases are the same function, which serializes under its own name.
  name_ = name == "swish" ? "silu" : name == "hard_swish" ? "hard_silu" : name;
  fn_ = it->second;
}

Activation::Activation(std::string name, Fn fn) : name_(std::move(name)), fn_(std::move(fn)), builtin_(false) {}

std::vector<std::string> names() {
  std::vector<std::string> out{"linear"};
  for (const auto& [k, v] : table()) out.push_back(k);
  return out;
}

}  // namespace keras::activations
