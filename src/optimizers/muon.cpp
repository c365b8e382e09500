#include "keras/optimizers/muon.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>

#include "keras/errors.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "optimizers/config_utils.h"

namespace keras::optimizers {

using keras::detail::cat;

Muon::Muon(MuonOptions o) : Optimizer(common_of(o), "muon"), o_(std::move(o)) {
  for (const auto& pattern : o_.exclude_layers) try {
      std::regex re(pattern);
    } catch (const std::regex_error& e) {
      throw ValueError(cat("Muon: exclude_layers: invalid pattern '", pattern, "': ", e.what()));
    }
  if (o_.ns_steps < 0) throw ValueError(cat("Muon: ns_steps must be >= 0, got ", o_.ns_steps));
}

bool Muon::should_use_adamw(const Variable& variable) const {
  if (variable.shape().rank() != 2) return true;
  std::string path = variable.path().empty() ? variable.name() : variable.path();
  std::string lowered = path;
  for (char& ch : lowered) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (o_.exclude_embeddings && lowered.find("embedding") != std::string::npos) return true;
  for (const auto& pattern : o_.exclude_layers)
    if (std::regex_search(path, std::regex(pattern))) return true;
  return false;
}

std::vector<std::vector<SlotSpec>> Muon::slot_layout(const Variable& variable) const {
  if (should_use_adamw(variable)) return {{"momentum", "velocity"}};
  return {{"momentum"}};
}

std::optional<double> Muon::weight_decay_for(const Variable& variable) const {
  if (should_use_adamw(variable)) return o_.adam_weight_decay;
  return o_.weight_decay;
}

namespace {
/// Keras's zeropower_via_newtonschulz5 for a matrix.
Tensor newton_schulz5(Tensor x, int64_t steps, double a, double b, double c) {
  const bool tall = x.dim(0) > x.dim(1);
  if (tall) x = ops::transpose(x);
  x = x / (std::sqrt(ops::sum(ops::square(x)).item<double>()) + 1e-7);
  for (int64_t i = 0; i < steps; ++i) {
    const Tensor A = ops::matmul(x, ops::transpose(x));
    const Tensor B = A * b + ops::matmul(A * c, A);
    x = x * a + ops::matmul(B, x);
  }
  return tall ? ops::transpose(x) : x;
}
}  // namespace

void Muon::update_step(const Tensor& grad, Variable& variable, float lr_f) {
  Tensor m = slot(variable, "momentum");
  const Tensor w = variable.value().detach();
  if (should_use_adamw(variable)) {
    // Keras's _adamw_update_step, at lr * adam_lr_ratio.
    const double lr = lr_f * o_.adam_lr_ratio;
    const double t = static_cast<double>(iterations() + 1);
    const double alpha = lr * std::sqrt(1 - std::pow(o_.adam_beta_2, t)) / (1 - std::pow(o_.adam_beta_1, t));
    Tensor v = slot(variable, "velocity");
    assign(m, m + (grad - m) * (1.0 - o_.adam_beta_1));
    assign(v, v + (ops::square(grad) - v) * (1.0 - o_.adam_beta_2));
    assign(variable, w - (m * alpha) / (ops::sqrt(v) + o_.epsilon));
    return;
  }
  // m = momentum m + g; the Nesterov look-ahead; orthogonalize; scale by
  // sqrt(max(rows, cols)) * rms_rate.
  assign(m, m + grad + m * (o_.momentum - 1.0));
  const Tensor g = o_.nesterov ? grad + m * o_.momentum : m.clone();
  Tensor update = newton_schulz5(g, o_.ns_steps, o_.muon_a, o_.muon_b, o_.muon_c) * static_cast<double>(lr_f);
  if (o_.rms_rate)
    update = update * (std::sqrt(static_cast<double>(std::max(update.dim(0), update.dim(1)))) * *o_.rms_rate);
  assign(variable, w - update);
}

ConfigMap Muon::get_config() const {
  ConfigMap c = Optimizer::get_config();
  c.push_back({"adam_beta_1", o_.adam_beta_1});
  c.push_back({"adam_beta_2", o_.adam_beta_2});
  c.push_back({"epsilon", o_.epsilon});
  c.push_back({"exclude_layers", o_.exclude_layers});
  c.push_back({"muon_a", o_.muon_a});
  c.push_back({"muon_b", o_.muon_b});
  c.push_back({"muon_c", o_.muon_c});
  c.push_back({"adam_lr_ratio", o_.adam_lr_ratio});
  c.push_back({"momentum", o_.momentum});
  c.push_back({"ns_steps", o_.ns_steps});
  c.push_back({"nesterov", o_.nesterov});
  c.push_back({"exclude_embeddings", o_.exclude_embeddings});
  c.push_back({"adam_weight_decay", o_.adam_weight_decay});
  c.push_back({"rms_rate", o_.rms_rate ? ConfigValue(*o_.rms_rate) : ConfigValue(nullptr)});
  return c;
}

namespace {
/// `[]` reaches a ConfigMap as an empty list of integers.
bool empty_list(const ConfigValue& v) {
  const auto* ints = std::get_if<std::vector<int64_t>>(&v);
  return ints && ints->empty();
}
}  // namespace

std::shared_ptr<Muon> Muon::from_config(const ConfigMap& c) {
  MuonOptions o;
  config::read_common(c, o);
  o.adam_beta_1 = config::num(c, "adam_beta_1", o.adam_beta_1);
  o.adam_beta_2 = config::num(c, "adam_beta_2", o.adam_beta_2);
  o.epsilon = config::num(c, "epsilon", o.epsilon);
  o.muon_a = config::num(c, "muon_a", o.muon_a);
  o.muon_b = config::num(c, "muon_b", o.muon_b);
  o.muon_c = config::num(c, "muon_c", o.muon_c);
  o.adam_lr_ratio = config::num(c, "adam_lr_ratio", o.adam_lr_ratio);
  o.momentum = config::num(c, "momentum", o.momentum);
  o.ns_steps = config::maybe_int(c, "ns_steps").value_or(o.ns_steps);
  o.nesterov = config::flag(c, "nesterov", o.nesterov);
  o.exclude_embeddings = config::flag(c, "exclude_embeddings", o.exclude_embeddings);
  o.adam_weight_decay = config::num(c, "adam_weight_decay", o.adam_weight_decay);
  o.rms_rate = config_find(c, "rms_rate") ? config::maybe(c, "rms_rate") : o.rms_rate;
  if (const ConfigValue* v = config_find(c, "exclude_layers")) {
    if (const auto* patterns = std::get_if<std::vector<std::string>>(v)) o.exclude_layers = *patterns;
    else if (!std::holds_alternative<std::nullptr_t>(*v) && !empty_list(*v))
      throw ValueError("Optimizer config: `exclude_layers` must be a list of strings");
  }
  return std::make_shared<Muon>(o);
}

}  // namespace keras::optimizers
