// keras/src/metrics/__init__.py (get, deserialize, ALL_OBJECTS) and compile's
// "accuracy" rule (keras/src/trainers/compile_utils.py get_metric).
#include "keras/metrics/metrics.h"

#include <cctype>
#include <functional>
#include <map>

#include "keras/errors.h"
#include "keras/layers/layer.h"
#include "keras/losses/losses.h"
#include "metrics_utils.h"
#include "utils/names.h"

namespace keras::metrics {

using keras::detail::cat;
using namespace detail;  // NOLINT(google-build-using-namespace): the private helpers

void AutoAccuracy::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  if (!impl_) {
    // Keras's get_metric("accuracy", y_true, y_pred) rule.
    const bool binary = y_pred.rank() >= 1 && y_pred.dim(-1) == 1;
    const bool sparse = y_true.rank() < y_pred.rank() ||
                        (y_true.rank() >= 1 && y_true.dim(-1) == 1 && y_pred.rank() >= 1 && y_pred.dim(-1) > 1);
    if (binary) impl_ = std::make_unique<BinaryAccuracy>(name());
    else if (sparse) impl_ = std::make_unique<SparseCategoricalAccuracy>(name());
    else impl_ = std::make_unique<CategoricalAccuracy>(name());
  }
  impl_->update_state(y_true, y_pred, sample_weight);
}

namespace {

using Factory = std::function<std::shared_ptr<Metric>(const ConfigMap&)>;
using P = std::shared_ptr<Metric>;

Thresholds thresholds_of(const ConfigMap& c) {
  const ConfigValue* v = find(c, "thresholds");
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return {};
  if (std::holds_alternative<std::vector<double>>(*v) || std::holds_alternative<std::vector<int64_t>>(*v))
    return Thresholds(*opt_numbers(c, "thresholds"));
  return Thresholds(number(c, "thresholds", 0.5));
}

IoUOptions iou_options(const ConfigMap& c, bool sparse_y_pred_default) {
  IoUOptions o;
  o.name = name_of(c, "");
  o.dtype = dtype_of(c);
  o.ignore_class = opt_integer(c, "ignore_class");
  o.sparse_y_true = flag(c, "sparse_y_true", true);
  o.sparse_y_pred = flag(c, "sparse_y_pred", sparse_y_pred_default);
  o.axis = integer(c, "axis", -1);
  return o;
}

SensitivitySpecificityOptions sens_options(const ConfigMap& c) {
  return {integer(c, "num_thresholds", 200), opt_integer(c, "class_id"), name_of(c, ""), dtype_of(c)};
}

double required_number(const ConfigMap& c, const char* key, const std::string& cls) {
  required(c, key, cls);
  return number(c, key, 0);
}

std::optional<std::string> opt_text(const ConfigMap& c, const char* key, std::optional<std::string> fallback) {
  const ConfigValue* v = find(c, key);
  if (!v) return fallback;
  if (std::holds_alternative<std::nullptr_t>(*v)) return std::nullopt;
  return text(c, key, "");
}

// The per-sample functions a MeanMetricWrapper's "fn" can name.
MeanMetricWrapper::Fn function_named(const std::string& fn, const ConfigMap& c) {
  if (fn == "accuracy") return accuracy;
  if (fn == "binary_accuracy") {
    const double th = number(c, "threshold", 0.5);
    return [th](const Tensor& t, const Tensor& p) { return binary_accuracy(t, p, th); };
  }
  if (fn == "categorical_accuracy") return categorical_accuracy;
  if (fn == "sparse_categorical_accuracy") return sparse_categorical_accuracy;
  if (fn == "top_k_categorical_accuracy") {
    const int64_t k = integer(c, "k", 5);
    return [k](const Tensor& t, const Tensor& p) { return top_k_categorical_accuracy(t, p, k); };
  }
  if (fn == "sparse_top_k_categorical_accuracy") {
    const int64_t k = integer(c, "k", 5);
    return [k](const Tensor& t, const Tensor& p) { return sparse_top_k_categorical_accuracy(t, p, k); };
  }
  if (fn == "mean_squared_error" || fn == "mse") return losses::mean_squared_error;
  if (fn == "mean_absolute_error" || fn == "mae") return losses::mean_absolute_error;
  if (fn == "mean_absolute_percentage_error" || fn == "mape") return mean_absolute_percentage_error;
  if (fn == "mean_squared_logarithmic_error" || fn == "msle") return mean_squared_logarithmic_error;
  if (fn == "log_cosh" || fn == "logcosh") return log_cosh;
  if (fn == "kl_divergence" || fn == "kld") return kl_divergence;
  if (fn == "poisson") return poisson;
  if (fn == "hinge") return hinge;
  if (fn == "squared_hinge") return squared_hinge;
  if (fn == "categorical_hinge") return categorical_hinge;
  if (fn == "pearson_correlation") return [](const Tensor& t, const Tensor& p) { return pearson_correlation(t, p); };
  if (fn == "concordance_correlation")
    return [](const Tensor& t, const Tensor& p) { return concordance_correlation(t, p); };
  if (fn == "binary_crossentropy") {
    const bool logits = flag(c, "from_logits", false);
    const double ls = number(c, "label_smoothing", 0.0);
    return [logits, ls](const Tensor& t, const Tensor& p) { return losses::binary_crossentropy(t, p, logits, ls); };
  }
  if (fn == "categorical_crossentropy") {
    const bool logits = flag(c, "from_logits", false);
    const double ls = number(c, "label_smoothing", 0.0);
    return
        [logits, ls](const Tensor& t, const Tensor& p) { return losses::categorical_crossentropy(t, p, logits, ls); };
  }
  if (fn == "sparse_categorical_crossentropy") {
    const bool logits = flag(c, "from_logits", false);
    return [logits](const Tensor& t, const Tensor& p) { return losses::sparse_categorical_crossentropy(t, p, logits); };
  }
  throw ValueError(cat("MeanMetricWrapper.from_config: unknown function `fn`: '", fn, "'"));
}

// Keras's ALL_OBJECTS, in its order, each with how from_config builds it.
const std::vector<std::pair<std::string, Factory>>& registry() {
  static const std::vector<std::pair<std::string, Factory>> r = {
      {"Mean", [](const ConfigMap& c) -> P { return std::make_shared<Mean>(name_of(c, "mean"), dtype_of(c)); }},
      {"Sum", [](const ConfigMap& c) -> P { return std::make_shared<Sum>(name_of(c, "sum"), dtype_of(c)); }},
      {"MeanTensor",
       [](const ConfigMap& c) -> P {
         return std::make_shared<MeanTensor>(name_of(c, "mean_tensor"), dtype_of(c), opt_integers(c, "shape"));
       }},
      {"MeanMetricWrapper",
       [](const ConfigMap& c) -> P {
         const std::string fn = text(c, "fn", "");
         if (fn.empty()) throw ValueError("MeanMetricWrapper.from_config: the config names no function `fn`");
         auto m = std::make_shared<MeanMetricWrapper>(name_of(c, fn), function_named(fn, c), "MeanMetricWrapper",
                                                      dtype_of(c));
         m->set_fn_name(fn);
         return m;
       }},
      {"MeanSquaredError",
       [](const ConfigMap& c) -> P {
         return std::make_shared<MeanSquaredError>(name_of(c, "mean_squared_error"), dtype_of(c));
       }},
      {"RootMeanSquaredError",
       [](const ConfigMap& c) -> P {
         return std::make_shared<RootMeanSquaredError>(name_of(c, "root_mean_squared_error"), dtype_of(c));
       }},
      {"MeanAbsoluteError",
       [](const ConfigMap& c) -> P {
         return std::make_shared<MeanAbsoluteError>(name_of(c, "mean_absolute_error"), dtype_of(c));
       }},
      {"MeanAbsolutePercentageError",
       [](const ConfigMap& c) -> P {
         return std::make_shared<MeanAbsolutePercentageError>(name_of(c, "mean_absolute_percentage_error"),
                                                              dtype_of(c));
       }},
      {"MeanSquaredLogarithmicError",
       [](const ConfigMap& c) -> P {
         return std::make_shared<MeanSquaredLogarithmicError>(name_of(c, "mean_squared_logarithmic_error"),
                                                              dtype_of(c));
       }},
      {"CosineSimilarity",
       [](const ConfigMap& c) -> P {
         return std::make_shared<CosineSimilarity>(name_of(c, "cosine_similarity"), dtype_of(c),
                                                   integer(c, "axis", -1));
       }},
      {"LogCoshError",
       [](const ConfigMap& c) -> P { return std::make_shared<LogCoshError>(name_of(c, "logcosh"), dtype_of(c)); }},
      {"R2Score",
       [](const ConfigMap& c) -> P {
         return std::make_shared<R2Score>(R2ScoreOptions{opt_text(c, "class_aggregation", "uniform_average"),
                                                         integer(c, "num_regressors", 0), name_of(c, "r2_score"),
                                                         dtype_of(c)});
       }},
      {"AUC",
       [](const ConfigMap& c) -> P {
         AUCOptions o;
         o.num_thresholds = integer(c, "num_thresholds", 200);
         o.curve = text(c, "curve", "ROC");
         o.summation_method = text(c, "summation_method", "interpolation");
         o.name = name_of(c, "");
         o.dtype = dtype_of(c);
         o.thresholds = opt_numbers(c, "thresholds");
         o.multi_label = flag(c, "multi_label", false);
         o.num_labels = opt_integer(c, "num_labels");
         o.label_weights = opt_numbers(c, "label_weights");
         o.from_logits = flag(c, "from_logits", false);
         return std::make_shared<AUC>(o);
       }},
      {"FalseNegatives",
       [](const ConfigMap& c) -> P {
         return std::make_shared<FalseNegatives>(ConfusionCountOptions{thresholds_of(c), name_of(c, ""), dtype_of(c)});
       }},
      {"FalsePositives",
       [](const ConfigMap& c) -> P {
         return std::make_shared<FalsePositives>(ConfusionCountOptions{thresholds_of(c), name_of(c, ""), dtype_of(c)});
       }},
      {"Precision",
       [](const ConfigMap& c) -> P {
         return std::make_shared<Precision>(PrecisionOptions{thresholds_of(c), opt_integer(c, "top_k"),
                                                             opt_integer(c, "class_id"), name_of(c, ""), dtype_of(c)});
       }},
      {"PrecisionAtRecall",
       [](const ConfigMap& c) -> P {
         return std::make_shared<PrecisionAtRecall>(required_number(c, "recall", "PrecisionAtRecall"), sens_options(c));
       }},
      {"Recall",
       [](const ConfigMap& c) -> P {
         return std::make_shared<Recall>(RecallOptions{thresholds_of(c), opt_integer(c, "top_k"),
                                                       opt_integer(c, "class_id"), name_of(c, ""), dtype_of(c)});
       }},
      {"RecallAtPrecision",
       [](const ConfigMap& c) -> P {
         return std::make_shared<RecallAtPrecision>(required_number(c, "precision", "RecallAtPrecision"),
                                                    sens_options(c));
       }},
      {"SensitivityAtSpecificity",
       [](const ConfigMap& c) -> P {
         return std::make_shared<SensitivityAtSpecificity>(
             required_number(c, "specificity", "SensitivityAtSpecificity"), sens_options(c));
       }},
      {"SpecificityAtSensitivity",
       [](const ConfigMap& c) -> P {
         return std::make_shared<SpecificityAtSensitivity>(
             required_number(c, "sensitivity", "SpecificityAtSensitivity"), sens_options(c));
       }},
      {"TrueNegatives",
       [](const ConfigMap& c) -> P {
         return std::make_shared<TrueNegatives>(ConfusionCountOptions{thresholds_of(c), name_of(c, ""), dtype_of(c)});
       }},
      {"TruePositives",
       [](const ConfigMap& c) -> P {
         return std::make_shared<TruePositives>(ConfusionCountOptions{thresholds_of(c), name_of(c, ""), dtype_of(c)});
       }},
      {"ConcordanceCorrelation",
       [](const ConfigMap& c) -> P {
         return std::make_shared<ConcordanceCorrelation>(name_of(c, "concordance_correlation"), dtype_of(c),
                                                         integer(c, "axis", -1));
       }},
      {"PearsonCorrelation",
       [](const ConfigMap& c) -> P {
         return std::make_shared<PearsonCorrelation>(name_of(c, "pearson_correlation"), dtype_of(c),
                                                     integer(c, "axis", -1));
       }},
      {"Hinge", [](const ConfigMap& c) -> P { return std::make_shared<Hinge>(name_of(c, "hinge"), dtype_of(c)); }},
      {"SquaredHinge",
       [](const ConfigMap& c) -> P {
         return std::make_shared<SquaredHinge>(name_of(c, "squared_hinge"), dtype_of(c));
       }},
      {"CategoricalHinge",
       [](const ConfigMap& c) -> P {
         return std::make_shared<CategoricalHinge>(name_of(c, "categorical_hinge"), dtype_of(c));
       }},
      {"KLDivergence",
       [](const ConfigMap& c) -> P {
         return std::make_shared<KLDivergence>(name_of(c, "kl_divergence"), dtype_of(c));
       }},
      {"Poisson",
       [](const ConfigMap& c) -> P { return std::make_shared<Poisson>(name_of(c, "poisson"), dtype_of(c)); }},
      {"BinaryCrossentropy",
       [](const ConfigMap& c) -> P {
         return std::make_shared<BinaryCrossentropy>(
             BinaryCrossentropyOptions{name_of(c, "binary_crossentropy"), dtype_of(c), flag(c, "from_logits", false),
                                       number(c, "label_smoothing", 0.0)});
       }},
      {"CategoricalCrossentropy",
       [](const ConfigMap& c) -> P {
         return std::make_shared<CategoricalCrossentropy>(CategoricalCrossentropyOptions{
             name_of(c, "categorical_crossentropy"), dtype_of(c), flag(c, "from_logits", false),
             number(c, "label_smoothing", 0.0), integer(c, "axis", -1)});
       }},
      {"SparseCategoricalCrossentropy",
       [](const ConfigMap& c) -> P {
         return std::make_shared<SparseCategoricalCrossentropy>(SparseCategoricalCrossentropyOptions{
             name_of(c, "sparse_categorical_crossentropy"), dtype_of(c), flag(c, "from_logits", false),
             opt_integer(c, "ignore_class"), integer(c, "axis", -1)});
       }},
      {"Accuracy",
       [](const ConfigMap& c) -> P { return std::make_shared<Accuracy>(name_of(c, "accuracy"), dtype_of(c)); }},
      {"BinaryAccuracy",
       [](const ConfigMap& c) -> P {
         return std::make_shared<BinaryAccuracy>(name_of(c, "binary_accuracy"), number(c, "threshold", 0.5),
                                                 dtype_of(c));
       }},
      {"CategoricalAccuracy",
       [](const ConfigMap& c) -> P {
         return std::make_shared<CategoricalAccuracy>(name_of(c, "categorical_accuracy"), dtype_of(c));
       }},
      {"SparseCategoricalAccuracy",
       [](const ConfigMap& c) -> P {
         return std::make_shared<SparseCategoricalAccuracy>(name_of(c, "sparse_categorical_accuracy"), dtype_of(c));
       }},
      {"TopKCategoricalAccuracy",
       [](const ConfigMap& c) -> P {
         return std::make_shared<TopKCategoricalAccuracy>(integer(c, "k", 5), name_of(c, "top_k_categorical_accuracy"),
                                                          dtype_of(c));
       }},
      {"SparseTopKCategoricalAccuracy",
       [](const ConfigMap& c) -> P {
         return std::make_shared<SparseTopKCategoricalAccuracy>(integer(c, "k", 5),
                                                                name_of(c, "sparse_top_k_categorical_accuracy"),
                                                                dtype_of(c), flag(c, "from_sorted_ids", false));
       }},
      {"F1Score",
       [](const ConfigMap& c) -> P {
         return std::make_shared<F1Score>(F1ScoreOptions{
             opt_text(c, "average", std::nullopt), opt_number(c, "threshold"), name_of(c, "f1_score"), dtype_of(c)});
       }},
      {"FBetaScore",
       [](const ConfigMap& c) -> P {
         return std::make_shared<FBetaScore>(FBetaScoreOptions{opt_text(c, "average", std::nullopt),
                                                               number(c, "beta", 1.0), opt_number(c, "threshold"),
                                                               name_of(c, "fbeta_score"), dtype_of(c)});
       }},
      {"IoU",
       [](const ConfigMap& c) -> P {
         required(c, "num_classes", "IoU");
         required(c, "target_class_ids", "IoU");
         return std::make_shared<IoU>(integer(c, "num_classes", 0), *opt_integers(c, "target_class_ids"),
                                      iou_options(c, true));
       }},
      {"BinaryIoU",
       [](const ConfigMap& c) -> P {
         return std::make_shared<BinaryIoU>(opt_integers(c, "target_class_ids").value_or(std::vector<int64_t>{0, 1}),
                                            number(c, "threshold", 0.5), name_of(c, ""), dtype_of(c));
       }},
      {"MeanIoU",
       [](const ConfigMap& c) -> P {
         required(c, "num_classes", "MeanIoU");
         return std::make_shared<MeanIoU>(integer(c, "num_classes", 0), iou_options(c, true));
       }},
      {"OneHotIoU",
       [](const ConfigMap& c) -> P {
         required(c, "num_classes", "OneHotIoU");
         required(c, "target_class_ids", "OneHotIoU");
         return std::make_shared<OneHotIoU>(integer(c, "num_classes", 0), *opt_integers(c, "target_class_ids"),
                                            iou_options(c, false));
       }},
      {"OneHotMeanIoU",
       [](const ConfigMap& c) -> P {
         required(c, "num_classes", "OneHotMeanIoU");
         return std::make_shared<OneHotMeanIoU>(integer(c, "num_classes", 0), iou_options(c, false));
       }},
  };
  return r;
}

// ALL_OBJECTS_DICT: class names, their snake case, and Keras's short names.
const std::map<std::string, std::string>& aliases() {
  static const std::map<std::string, std::string> m = [] {
    std::map<std::string, std::string> a;
    for (const auto& [cls, f] : registry()) {
      a[cls] = cls;
      a[layers::to_snake_case(cls)] = cls;
    }
    for (const auto& [k, v] : std::map<std::string, std::string>{{"bce", "BinaryCrossentropy"},
                                                                 {"BCE", "BinaryCrossentropy"},
                                                                 {"mse", "MeanSquaredError"},
                                                                 {"MSE", "MeanSquaredError"},
                                                                 {"mae", "MeanAbsoluteError"},
                                                                 {"MAE", "MeanAbsoluteError"},
                                                                 {"mape", "MeanAbsolutePercentageError"},
                                                                 {"MAPE", "MeanAbsolutePercentageError"},
                                                                 {"msle", "MeanSquaredLogarithmicError"},
                                                                 {"MSLE", "MeanSquaredLogarithmicError"}})
      a[k] = v;
    return a;
  }();
  return m;
}

}  // namespace

std::vector<std::string> class_names() {
  std::vector<std::string> out;
  for (const auto& kv : registry()) out.push_back(kv.first);
  return out;
}

std::shared_ptr<Metric> from_config(const std::string& class_name, const ConfigMap& config) {
  const auto& a = aliases();
  const auto it = a.find(class_name);
  if (it == a.end()) throw ValueError(cat("Could not interpret metric identifier: '", class_name, "' (unknown class)"));
  for (const auto& [cls, make] : registry())
    if (cls == it->second) return make(config);
  throw ValueError(cat("Could not interpret metric identifier: '", class_name, "'"));
}

std::shared_ptr<Metric> get(const std::string& name) {
  const std::string lower = utils::ascii_lower(name);
  if (lower == "accuracy" || lower == "acc") return std::make_shared<AutoAccuracy>(name);
  if (!aliases().contains(name))
    throw ValueError(cat("Could not interpret metric identifier: '", name,
                         "'. Known: accuracy (acc), a Keras metric class name (\"AUC\", \"Precision\", ...) or its "
                         "snake case (\"auc\", \"root_mean_squared_error\"), mse, mae, mape, msle, bce"));
  std::shared_ptr<Metric> m = from_config(name, {});
  m->set_name(name);  // compile_utils.get_metric names a metric given as a string by that string
  return m;
}

MetricRef::MetricRef(const char* name) : ptr_(get(name)), spec_(name) {}
MetricRef::MetricRef(const std::string& name) : ptr_(get(name)), spec_(name) {}

}  // namespace keras::metrics
