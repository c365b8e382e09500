// Losses by name and by config: Keras's keras/src/losses/__init__.py (ALL_OBJECTS_DICT:
// class names, function names and the aliases bce, kld, mae, mse, mape, msle) plus the
// legacy names Keras 2 wrote (logcosh, kullback_leibler_divergence, huber_loss).
#include "keras/losses/losses.h"

#include <functional>
#include <vector>

#include "losses/loss_utils.h"
#include "utils/excerpt.h"
#include "utils/names.h"

namespace keras::losses {

using detail::cat;
using detail::ConfigReader;

namespace {

struct Entry {
  const char* class_name;
  std::vector<const char*> names;  // other identifiers (canonical form: lower case, no '_')
  std::function<Loss(ConfigReader&)> make;
};

template <class L>
Loss plain(ConfigReader& r, const char* name) {
  const Reduction red = r.reduction();
  return L({.reduction = red, .name = r.text("name", name)});
}

const std::vector<Entry>& registry() {
  static const std::vector<Entry> entries{
      {"CategoricalCrossentropy",
       {},
       [](ConfigReader& r) {
         CategoricalCrossentropyOptions o;
         o.from_logits = r.flag("from_logits", false);
         o.label_smoothing = r.number("label_smoothing", 0.0);
         o.axis = r.integer("axis", -1);
         o.reduction = r.reduction();
         o.name = r.text("name", o.name);
         return CategoricalCrossentropy(o);
       }},
      {"SparseCategoricalCrossentropy",
       {},
       [](ConfigReader& r) {
         SparseCategoricalCrossentropyOptions o;
         o.from_logits = r.flag("from_logits", false);
         o.ignore_class = r.optional_integer("ignore_class");
         o.reduction = r.reduction();
         o.axis = r.integer("axis", -1);
         o.name = r.text("name", o.name);
         return SparseCategoricalCrossentropy(o);
       }},
      {"BinaryCrossentropy",
       {"bce"},
       [](ConfigReader& r) {
         BinaryCrossentropyOptions o;
         o.from_logits = r.flag("from_logits", false);
         o.label_smoothing = r.number("label_smoothing", 0.0);
         o.axis = r.integer("axis", -1);
         o.reduction = r.reduction();
         o.name = r.text("name", o.name);
         return BinaryCrossentropy(o);
       }},
      {"BinaryFocalCrossentropy",
       {},
       [](ConfigReader& r) {
         BinaryFocalCrossentropyOptions o;
         o.apply_class_balancing = r.flag("apply_class_balancing", false);
         o.alpha = r.number("alpha", o.alpha);
         o.gamma = r.number("gamma", o.gamma);
         o.from_logits = r.flag("from_logits", false);
         o.label_smoothing = r.number("label_smoothing", 0.0);
         o.axis = r.integer("axis", -1);
         o.reduction = r.reduction();
         o.name = r.text("name", o.name);
         return BinaryFocalCrossentropy(o);
       }},
      {"CategoricalFocalCrossentropy",
       {},
       [](ConfigReader& r) {
         CategoricalFocalCrossentropyOptions o;
         o.alpha = r.number("alpha", o.alpha);
         o.gamma = r.number("gamma", o.gamma);
         o.from_logits = r.flag("from_logits", false);
         o.label_smoothing = r.number("label_smoothing", 0.0);
         o.axis = r.integer("axis", -1);
         o.reduction = r.reduction();
         o.name = r.text("name", o.name);
         return CategoricalFocalCrossentropy(o);
       }},
      {"CategoricalGeneralizedCrossEntropy",
       {},
       [](ConfigReader& r) {
         CategoricalGeneralizedCrossEntropyOptions o;
         o.q = r.number("q", o.q);
         o.reduction = r.reduction();
         o.name = r.text("name", o.name);
         return CategoricalGeneralizedCrossEntropy(o);
       }},
      {"KLDivergence",
       {"kld", "kullbackleiblerdivergence"},
       [](ConfigReader& r) { return plain<KLDivergence>(r, "kl_divergence"); }},
      {"Poisson", {}, [](ConfigReader& r) { return plain<Poisson>(r, "poisson"); }},
      {"MeanSquaredError", {"mse"}, [](ConfigReader& r) { return plain<MeanSquaredError>(r, "mean_squared_error"); }},
      {"MeanAbsoluteError",
       {"mae"},
       [](ConfigReader& r) { return plain<MeanAbsoluteError>(r, "mean_absolute_error"); }},
      {"MeanAbsolutePercentageError",
       {"mape"},
       [](ConfigReader& r) { return plain<MeanAbsolutePercentageError>(r, "mean_absolute_percentage_error"); }},
      {"MeanSquaredLogarithmicError",
       {"msle"},
       [](ConfigReader& r) { return plain<MeanSquaredLogarithmicError>(r, "mean_squared_logarithmic_error"); }},
      {"CosineSimilarity",
       {},
       [](ConfigReader& r) {
         CosineSimilarityOptions o;
         o.axis = r.integer("axis", -1);
         o.reduction = r.reduction();
         o.name = r.text("name", o.name);
         return CosineSimilarity(o);
       }},
      {"LogCosh", {}, [](ConfigReader& r) { return plain<LogCosh>(r, "log_cosh"); }},
      {"Huber",
       {"huberloss"},
       [](ConfigReader& r) {
         HuberOptions o;
         o.delta = r.number("delta", o.delta);
         o.reduction = r.reduction();
         o.name = r.text("name", o.name);
         return Huber(o);
       }},
      {"Hinge", {}, [](ConfigReader& r) { return plain<Hinge>(r, "hinge"); }},
      {"SquaredHinge", {}, [](ConfigReader& r) { return plain<SquaredHinge>(r, "squared_hinge"); }},
      {"CategoricalHinge", {}, [](ConfigReader& r) { return plain<CategoricalHinge>(r, "categorical_hinge"); }},
      {"Dice",
       {},
       [](ConfigReader& r) {
         DiceOptions o;
         o.reduction = r.reduction();
         o.name = r.text("name", o.name);
         o.axis = r.axes("axis");
         return Dice(o);
       }},
      {"Tversky",
       {},
       [](ConfigReader& r) {
         TverskyOptions o;
         o.alpha = r.number("alpha", o.alpha);
         o.beta = r.number("beta", o.beta);
         o.reduction = r.reduction();
         o.name = r.text("name", o.name);
         o.axis = r.axes("axis");
         return Tversky(o);
       }},
      {"Circle",
       {},
       [](ConfigReader& r) {
         CircleOptions o;
         o.gamma = r.number("gamma", o.gamma);
         o.margin = r.number("margin", o.margin);
         o.remove_diagonal = r.flag("remove_diagonal", o.remove_diagonal);
         o.reduction = r.reduction();
         o.name = r.text("name", o.name);
         return Circle(o);
       }},
      {"CTC", {}, [](ConfigReader& r) { return plain<CTC>(r, "ctc"); }},
  };
  return entries;
}

/// The entry `identifier` names (class name, function name or alias, in any case, with
/// or without underscores), or nullptr.
const Entry* lookup(const std::string& identifier) {
  const std::string c = utils::canonical_name(identifier);
  for (const auto& e : registry()) {
    if (utils::canonical_name(e.class_name) == c) return &e;
    for (const char* n : e.names)
      if (c == n) return &e;
  }
  return nullptr;
}

[[noreturn]] void unknown(const std::string& identifier) {
  std::string known;
  for (const auto& e : registry()) known += cat(known.empty() ? "" : ", ", e.class_name);
  throw ValueError(cat("Could not interpret loss identifier: '", utils::excerpt(identifier), "'. Known losses: ", known,
                       " (or their function names, and the aliases bce, kld, mae, mape, mse, msle)"));
}

}  // namespace

Loss::Loss(const char* name) : Loss(std::string(name)) {}

Loss::Loss(const std::string& name) {
  const Entry* e = lookup(name);
  if (!e) unknown(name);
  const ConfigMap none;
  ConfigReader r(none, e->class_name);
  *this = e->make(r);
  spec_ = name;
}

Loss Loss::from_config(const std::string& class_name, const ConfigMap& config) {
  const Entry* e = lookup(class_name);
  if (!e) unknown(class_name);
  ConfigReader r(config, e->class_name);
  Loss loss = e->make(r);
  r.finish();
  return loss;
}

}  // namespace keras::losses
