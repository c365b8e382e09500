// optimizers::get and optimizers::from_config: every Keras 3 optimizer by its string
// name (keras.optimizers.get lower-cases the class name) and by its class name and config.
#include <cctype>
#include <functional>
#include <utility>

#include "keras/errors.h"
#include "keras/optimizers/adadelta.h"
#include "keras/optimizers/adafactor.h"
#include "keras/optimizers/adagrad.h"
#include "keras/optimizers/adamax.h"
#include "keras/optimizers/adamw.h"
#include "keras/optimizers/ftrl.h"
#include "keras/optimizers/lamb.h"
#include "keras/optimizers/lion.h"
#include "keras/optimizers/muon.h"
#include "keras/optimizers/nadam.h"
#include "keras/optimizers/optimizer.h"
#include "keras/optimizers/schedule_free_adamw.h"
#include "optimizers/config_utils.h"
#include "utils/excerpt.h"
#include "utils/names.h"

namespace keras::optimizers {

using keras::detail::cat;

namespace {

std::shared_ptr<Optimizer> sgd_from_config(const ConfigMap& c) {
  SGDOptions o;
  config::read_common(c, o);
  o.momentum = config::num(c, "momentum", o.momentum);
  o.nesterov = config::flag(c, "nesterov", o.nesterov);
  return std::make_shared<SGD>(o);
}
std::shared_ptr<Optimizer> adam_from_config(const ConfigMap& c) {
  AdamOptions o;
  config::read_common(c, o);
  o.beta_1 = config::num(c, "beta_1", o.beta_1);
  o.beta_2 = config::num(c, "beta_2", o.beta_2);
  o.epsilon = config::num(c, "epsilon", o.epsilon);
  o.amsgrad = config::flag(c, "amsgrad", o.amsgrad);
  return std::make_shared<Adam>(o);
}
std::shared_ptr<Optimizer> rmsprop_from_config(const ConfigMap& c) {
  RMSpropOptions o;
  config::read_common(c, o);
  o.rho = config::num(c, "rho", o.rho);
  o.momentum = config::num(c, "momentum", o.momentum);
  o.epsilon = config::num(c, "epsilon", o.epsilon);
  o.centered = config::flag(c, "centered", o.centered);
  return std::make_shared<RMSprop>(o);
}

using Factory = std::function<std::shared_ptr<Optimizer>(const ConfigMap&)>;

/// Keras's class names, lower-cased (its ALL_OBJECTS_DICT keys), with their factories.
const std::vector<std::pair<std::string, Factory>>& registry() {
  static const std::vector<std::pair<std::string, Factory>> r{
      {"sgd", sgd_from_config},
      {"adam", adam_from_config},
      {"rmsprop", rmsprop_from_config},
      {"adamw", [](const ConfigMap& c) { return std::shared_ptr<Optimizer>(AdamW::from_config(c)); }},
      {"adamax", [](const ConfigMap& c) { return std::shared_ptr<Optimizer>(Adamax::from_config(c)); }},
      {"nadam", [](const ConfigMap& c) { return std::shared_ptr<Optimizer>(Nadam::from_config(c)); }},
      {"adagrad", [](const ConfigMap& c) { return std::shared_ptr<Optimizer>(Adagrad::from_config(c)); }},
      {"adadelta", [](const ConfigMap& c) { return std::shared_ptr<Optimizer>(Adadelta::from_config(c)); }},
      {"ftrl", [](const ConfigMap& c) { return std::shared_ptr<Optimizer>(Ftrl::from_config(c)); }},
      {"lion", [](const ConfigMap& c) { return std::shared_ptr<Optimizer>(Lion::from_config(c)); }},
      {"lamb", [](const ConfigMap& c) { return std::shared_ptr<Optimizer>(Lamb::from_config(c)); }},
      {"adafactor", [](const ConfigMap& c) { return std::shared_ptr<Optimizer>(Adafactor::from_config(c)); }},
      {"muon", [](const ConfigMap& c) { return std::shared_ptr<Optimizer>(Muon::from_config(c)); }},
      {"schedulefreeadamw",
       [](const ConfigMap& c) { return std::shared_ptr<Optimizer>(ScheduleFreeAdamW::from_config(c)); }},
  };
  return r;
}

const Factory* find_factory(const std::string& name) {
  const std::string key = utils::ascii_lower(name);
  for (const auto& [n, f] : registry())
    if (n == key) return &f;
  return nullptr;
}

std::string known() {
  std::string out;
  for (const auto& [n, f] : registry()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::shared_ptr<Optimizer> from_config(const std::string& class_name, const ConfigMap& c) {
  if (const Factory* f = find_factory(class_name)) return (*f)(c);
  throw ValueError(
      cat("Could not interpret optimizer identifier: '", utils::excerpt(class_name), "'. Known: ", known()));
}

std::shared_ptr<Optimizer> get(const std::string& name) {
  const Factory* f = find_factory(name);
  if (!f)
    throw ValueError(cat("Could not interpret optimizer identifier: '", utils::excerpt(name), "'. Known: ", known()));
  std::shared_ptr<Optimizer> o = (*f)(ConfigMap{});
  o->set_spec(name);
  return o;
}

}  // namespace keras::optimizers
