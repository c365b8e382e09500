// The metric base, the lookups by name and by config (keras/src/metrics/__init__.py),
// compile/fit with metrics, and compile configs with metrics in .keras files.
#include "keras/metrics/metrics.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "saving/legacy_h5.h"
#include "test_utils.h"

namespace keras::metrics {
namespace {

const Tensor kProbs = Tensor::from_vector<float>({0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f, 0.2f, 0.5f, 0.3f}, {3, 3});

TEST(Metrics, AccuracyResolvesLikeKeras) {
  auto sparse = MetricRef("accuracy").ptr();
  sparse->update_state(Tensor::from_vector<int64_t>({0, 2, 0}), kProbs);
  EXPECT_NEAR(sparse->result(), 2.0 / 3.0, 1e-9);
  EXPECT_EQ(sparse->name(), "accuracy");

  auto categorical = MetricRef("accuracy").ptr();
  categorical->update_state(Tensor::from_vector<float>({1, 0, 0, 0, 1, 0, 0, 1, 0}, {3, 3}), kProbs);
  EXPECT_NEAR(categorical->result(), 2.0 / 3.0, 1e-9);

  auto binary = MetricRef("acc").ptr();
  binary->update_state(Tensor::from_vector<float>({1, 0, 1, 1}), Tensor::from_vector<float>({0.9f, 0.6f, 0.4f, 0.7f}, {4, 1}));
  EXPECT_NEAR(binary->result(), 0.5, 1e-9);
}

TEST(Metrics, RunningMeanAcrossBatches) {
  SparseCategoricalAccuracy m;
  m.update_state(Tensor::from_vector<int64_t>({0, 2, 0}), kProbs);        // 2 of 3
  m.update_state(Tensor::from_vector<int64_t>({0}), kProbs.slice(0, 1));  // 1 of 1
  EXPECT_NEAR(m.result(), 3.0 / 4.0, 1e-9);
  m.reset_state();
  EXPECT_EQ(m.result(), 0.0);
  Mean mean;
  mean.update(2.0, 3.0);
  mean.update(4.0, 1.0);
  EXPECT_NEAR(mean.result(), 2.5, 1e-12);
}

TEST(Metrics, RegressionAndErrors) {
  auto mse = MetricRef("mse").ptr();
  mse->update_state(Tensor::from_vector<float>({1, 2}, {2, 1}), Tensor::from_vector<float>({2, 2}, {2, 1}));
  EXPECT_NEAR(mse->result(), 0.5, 1e-9);
  testing::expect_error<ValueError>([] { MetricRef("f2_score"); }, {"metric", "f2_score"});
  // Keras's names are case-sensitive apart from "accuracy"; short names exist in both cases.
  testing::expect_error<ValueError>([] { MetricRef("Auc"); }, {"Auc"});
  EXPECT_EQ(MetricRef("MSLE").ptr()->class_name(), "MeanSquaredLogarithmicError");
}

// keras/src/metrics/__init__.py: ALL_OBJECTS_DICT holds each class name, its snake case and
// the short names; compile_utils.get_metric names a metric given as a string by the string.
TEST(Metrics, EveryMetricByItsKerasNames) {
  const std::vector<std::pair<std::string, std::string>> names = {
      {"AUC", "AUC"},
      {"auc", "AUC"},
      {"Precision", "Precision"},
      {"recall", "Recall"},
      {"true_positives", "TruePositives"},
      {"TrueNegatives", "TrueNegatives"},
      {"false_positives", "FalsePositives"},
      {"false_negatives", "FalseNegatives"},
      {"RootMeanSquaredError", "RootMeanSquaredError"},
      {"root_mean_squared_error", "RootMeanSquaredError"},
      {"mape", "MeanAbsolutePercentageError"},
      {"MAPE", "MeanAbsolutePercentageError"},
      {"mean_squared_logarithmic_error", "MeanSquaredLogarithmicError"},
      {"bce", "BinaryCrossentropy"},
      {"categorical_crossentropy", "CategoricalCrossentropy"},
      {"SparseCategoricalCrossentropy", "SparseCategoricalCrossentropy"},
      {"top_k_categorical_accuracy", "TopKCategoricalAccuracy"},
      {"sparse_top_k_categorical_accuracy", "SparseTopKCategoricalAccuracy"},
      {"f1_score", "F1Score"},
      {"f_beta_score", "FBetaScore"},
      {"r2_score", "R2Score"},
      {"sum", "Sum"},
      {"kl_divergence", "KLDivergence"},
      {"poisson", "Poisson"},
      {"cosine_similarity", "CosineSimilarity"},
      {"log_cosh_error", "LogCoshError"},
      {"hinge", "Hinge"},
      {"squared_hinge", "SquaredHinge"},
      {"categorical_hinge", "CategoricalHinge"},
      {"pearson_correlation", "PearsonCorrelation"},
      {"concordance_correlation", "ConcordanceCorrelation"},
      {"binary_io_u", "BinaryIoU"},
  };
  for (const auto& [name, cls] : names) {
    SCOPED_TRACE(name);
    const auto m = get(name);
    EXPECT_EQ(m->class_name(), cls);
    EXPECT_EQ(m->name(), name);
  }
  // Metrics with required arguments cannot come from a name alone (Keras: a TypeError).
  testing::expect_error<ValueError>([] { get("mean_io_u"); }, {"MeanIoU", "num_classes"});
  testing::expect_error<ValueError>([] { get("PrecisionAtRecall"); }, {"PrecisionAtRecall", "recall"});
}

// Keras's auto_name: snake case, made unique per process ("precision", "precision_1").
TEST(Metrics, AutomaticNamesAreUniqueAsInKeras) {
  utils::clear_session();
  EXPECT_EQ(Precision().name(), "precision");
  EXPECT_EQ(Precision().name(), "precision_1");
  EXPECT_EQ(MeanIoU(2).name(), "mean_io_u");
  EXPECT_EQ(OneHotMeanIoU(2).name(), "one_hot_mean_io_u");
  EXPECT_EQ(AUC().name(), "auc");
  EXPECT_EQ(AUC({.name = "roc"}).name(), "roc");
  utils::clear_session();
}

// Every metric: from_config(get_config()) gives the same config; the keys come in Keras's
// order (the get_config methods of keras/src/metrics/*.py).
TEST(Metrics, ConfigRoundTripForEveryClass) {
  std::vector<std::shared_ptr<Metric>> all = {
      std::make_shared<Mean>(),
      std::make_shared<Sum>("total"),
      std::make_shared<MeanTensor>("mt", "float32", std::vector<int64_t>{2}),
      std::make_shared<MeanSquaredError>(),
      std::make_shared<RootMeanSquaredError>(),
      std::make_shared<MeanAbsoluteError>(),
      std::make_shared<MeanAbsolutePercentageError>(),
      std::make_shared<MeanSquaredLogarithmicError>(),
      std::make_shared<CosineSimilarity>(),
      std::make_shared<LogCoshError>(),
      std::make_shared<R2Score>(R2ScoreOptions{.class_aggregation = std::nullopt, .num_regressors = 2}),
      std::make_shared<AUC>(
          AUCOptions{.curve = "PR", .thresholds = std::vector<double>{0.2, 0.6}, .from_logits = true}),
      std::make_shared<AUC>(
          AUCOptions{.multi_label = true, .num_labels = 3, .label_weights = std::vector<double>{1, 2, 3}}),
      std::make_shared<FalseNegatives>(ConfusionCountOptions{.thresholds = {0.2, 0.8}}),
      std::make_shared<FalsePositives>(ConfusionCountOptions{.thresholds = 0.3}),
      std::make_shared<Precision>(PrecisionOptions{.top_k = 2, .class_id = 1}),
      std::make_shared<PrecisionAtRecall>(0.7, SensitivitySpecificityOptions{.num_thresholds = 50}),
      std::make_shared<Recall>(RecallOptions{.thresholds = {0.1, 0.5}}),
      std::make_shared<RecallAtPrecision>(0.6, SensitivitySpecificityOptions{.class_id = 0}),
      std::make_shared<SensitivityAtSpecificity>(0.5),
      std::make_shared<SpecificityAtSensitivity>(0.4),
      std::make_shared<TrueNegatives>(),
      std::make_shared<TruePositives>(),
      std::make_shared<ConcordanceCorrelation>(),
      std::make_shared<PearsonCorrelation>("pc", "", 1),
      std::make_shared<Hinge>(),
      std::make_shared<SquaredHinge>(),
      std::make_shared<CategoricalHinge>(),
      std::make_shared<KLDivergence>(),
      std::make_shared<Poisson>(),
      std::make_shared<BinaryCrossentropy>(BinaryCrossentropyOptions{.from_logits = true, .label_smoothing = 0.1}),
      std::make_shared<CategoricalCrossentropy>(CategoricalCrossentropyOptions{.label_smoothing = 0.2}),
      std::make_shared<SparseCategoricalCrossentropy>(SparseCategoricalCrossentropyOptions{.ignore_class = 0}),
      std::make_shared<Accuracy>(),
      std::make_shared<BinaryAccuracy>("ba", 0.7),
      std::make_shared<CategoricalAccuracy>(),
      std::make_shared<SparseCategoricalAccuracy>(),
      std::make_shared<TopKCategoricalAccuracy>(3),
      std::make_shared<SparseTopKCategoricalAccuracy>(2, "top2", "", true),
      std::make_shared<F1Score>(F1ScoreOptions{.average = "macro", .threshold = 0.4}),
      std::make_shared<FBetaScore>(FBetaScoreOptions{.beta = 2.0}),
      std::make_shared<IoU>(3, std::vector<int64_t>{0, 2}, IoUOptions{.ignore_class = 1}),
      std::make_shared<BinaryIoU>(std::vector<int64_t>{1}, 0.3),
      std::make_shared<MeanIoU>(4, IoUOptions{.dtype = "float32"}),
      std::make_shared<OneHotIoU>(3, std::vector<int64_t>{1}),
      std::make_shared<OneHotMeanIoU>(3),
  };
  std::set<std::string> seen;
  for (const auto& m : all) {
    SCOPED_TRACE(m->class_name());
    seen.insert(m->class_name());
    const ConfigMap c = m->get_config();
    const auto back = from_config(m->class_name(), c);
    EXPECT_EQ(back->class_name(), m->class_name());
    EXPECT_EQ(back->get_config(), c);
    // Keras writes name and dtype first, except where a class lists its keys itself.
    const std::set<std::string> own_order = {"BinaryIoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU"};
    if (!own_order.count(m->class_name())) {
      ASSERT_GE(c.size(), 2u);
      EXPECT_EQ(c[0].first, "name");
      EXPECT_EQ(c[1].first, "dtype");
    }
  }
  for (const std::string& cls : class_names()) {
    if (cls == "MeanMetricWrapper") continue;
    EXPECT_TRUE(seen.count(cls)) << cls << " has no round trip here";
  }
}

std::vector<std::string> keys(const ConfigMap& c) {
  std::vector<std::string> k;
  for (const auto& kv : c) k.push_back(kv.first);
  return k;
}

// The exact key order of a few get_config methods (keras/src/metrics/*.py).
TEST(Metrics, ConfigKeysInKerasOrder) {
  using V = std::vector<std::string>;
  EXPECT_EQ(keys(AUC().get_config()), (V{"name", "dtype", "num_thresholds", "curve", "summation_method", "multi_label",
                                         "num_labels", "label_weights", "from_logits"}));
  EXPECT_EQ(keys(Precision().get_config()), (V{"name", "dtype", "thresholds", "top_k", "class_id"}));
  EXPECT_EQ(keys(SensitivityAtSpecificity(0.5).get_config()),
            (V{"name", "dtype", "class_id", "num_thresholds", "specificity"}));
  EXPECT_EQ(keys(F1Score().get_config()), (V{"name", "dtype", "average", "threshold"}));
  EXPECT_EQ(keys(FBetaScore().get_config()), (V{"name", "dtype", "average", "beta", "threshold"}));
  EXPECT_EQ(keys(BinaryIoU().get_config()), (V{"target_class_ids", "threshold", "name", "dtype"}));
  EXPECT_EQ(keys(MeanIoU(2).get_config()),
            (V{"num_classes", "name", "dtype", "ignore_class", "sparse_y_true", "sparse_y_pred", "axis"}));
  EXPECT_EQ(keys(IoU(2, {0}).get_config()), (V{"name", "dtype", "num_classes", "target_class_ids", "ignore_class",
                                               "sparse_y_true", "sparse_y_pred", "axis"}));
  EXPECT_EQ(keys(R2Score().get_config()), (V{"name", "dtype", "class_aggregation", "num_regressors"}));
  EXPECT_EQ(keys(SparseCategoricalCrossentropy().get_config()),
            (V{"name", "dtype", "from_logits", "ignore_class", "axis"}));
  EXPECT_EQ(keys(SparseTopKCategoricalAccuracy().get_config()), (V{"name", "dtype", "k"}));
  // Values: a single threshold stays a number, a list a list; IoU counts in int32.
  EXPECT_EQ(config_find(TruePositives({.thresholds = 0.3}).get_config(), "thresholds")->index(), 3u);  // double
  EXPECT_EQ(std::get<std::string>(*config_find(MeanIoU(2).get_config(), "dtype")), "int32");
  EXPECT_EQ(std::get<std::string>(*config_find(AUC({.curve = "pr"}).get_config(), "curve")), "PR");
}

// Configs as Keras 3 writes them in a compile_config (serialize_keras_object of each
// metric) rebuild the same metrics; a MeanMetricWrapper names its function.
TEST(Metrics, FromConfigOfKerasDicts) {
  using json = nlohmann::ordered_json;
  auto object = [](const std::string& cls, json config) {
    return json{{"module", "keras.metrics"}, {"class_name", cls}, {"config", config}, {"registered_name", nullptr}};
  };
  const json compile_config = {
      {"optimizer", "adam"},
      {"loss", "binary_crossentropy"},
      {"loss_weights", nullptr},
      {"metrics",
       json::array({object("AUC", {{"name", "auc"},
                                   {"dtype", "float32"},
                                   {"num_thresholds", 200},
                                   {"curve", "PR"},
                                   {"summation_method", "interpolation"},
                                   {"multi_label", false},
                                   {"num_labels", nullptr},
                                   {"label_weights", nullptr},
                                   {"from_logits", false}}),
                    object("Precision", {{"name", "precision_at_7"},
                                         {"dtype", "float32"},
                                         {"thresholds", 0.7},
                                         {"top_k", nullptr},
                                         {"class_id", nullptr}}),
                    object("RootMeanSquaredError", {{"name", "root_mean_squared_error"}, {"dtype", "float32"}}),
                    object("BinaryIoU", {{"target_class_ids", json::array({0, 1})},
                                         {"threshold", 0.5},
                                         {"name", "binary_io_u"},
                                         {"dtype", "int32"}}),
                    object("MeanMetricWrapper", {{"name", "my_mae"},
                                                 {"dtype", "float32"},
                                                 {"fn",
                                                  {{"module", "keras.src.losses.losses"},
                                                   {"class_name", "function"},
                                                   {"config", "mean_absolute_error"},
                                                   {"registered_name", "function"}}}}),
                    "mse"})},
      {"weighted_metrics", nullptr},
      {"run_eagerly", false},
      {"steps_per_execution", 1},
      {"jit_compile", false}};
  models::Sequential model({Input({2}), layers::Dense(1, "sigmoid")});
  saving::apply_compile_config(model, compile_config);
  ASSERT_TRUE(model.compiled());
  const auto& ms = model.compile_options().metrics;
  ASSERT_EQ(ms.size(), 6u);
  EXPECT_EQ(ms[0].ptr()->class_name(), "AUC");
  EXPECT_EQ(std::get<std::string>(*config_find(ms[0].ptr()->get_config(), "curve")), "PR");
  EXPECT_EQ(ms[1].ptr()->name(), "precision_at_7");
  EXPECT_EQ(std::get<double>(*config_find(ms[1].ptr()->get_config(), "thresholds")), 0.7);
  EXPECT_EQ(ms[2].ptr()->class_name(), "RootMeanSquaredError");
  EXPECT_EQ(ms[3].ptr()->class_name(), "BinaryIoU");
  EXPECT_EQ(ms[4].ptr()->name(), "my_mae");
  EXPECT_EQ(ms[5].spec(), "mse");
  const Tensor x = Tensor::from_vector<float>({0.1f, 0.2f, 0.3f, 0.4f}, {2, 2});
  const Tensor y = Tensor::from_vector<float>({0, 1}, {2, 1});
  const auto logs = model.evaluate(x, y, {.batch_size = 2, .verbose = 0});
  for (const char* key : {"loss", "auc", "precision_at_7", "root_mean_squared_error", "binary_io_u", "my_mae", "mse"})
    EXPECT_TRUE(logs.count(key)) << key;
  // The same config written back is the one read (objects keep their configs).
  const auto again = nlohmann::ordered_json::parse(saving::model_config(model).dump())["compile_config"]["metrics"];
  EXPECT_EQ(again[0]["config"], compile_config["metrics"][0]["config"]);
  EXPECT_EQ(again[1]["config"], compile_config["metrics"][1]["config"]);
  EXPECT_EQ(again[5], "mse");
  // An unknown class, or a known one missing a required argument, is a ValueError naming it.
  testing::expect_error<ValueError>(
      [&] {
        json c = compile_config;
        c["metrics"] = json::array({object("MyMetric", {{"name", "m"}})});
        saving::apply_compile_config(model, c);
      },
      {"MyMetric"});
  testing::expect_error<ValueError>(
      [&] {
        json c = compile_config;
        c["metrics"] = json::array({object("MeanIoU", {{"name", "m"}})});
        saving::apply_compile_config(model, c);
      },
      {"MeanIoU", "num_classes"});
}

// compile(metrics={"AUC", Precision(), RootMeanSquaredError()}) trains and logs them
// under Keras's names: the string as given, the objects under their own names.
TEST(Metrics, CompiledMetricsTrainAndReportUnderKerasNames) {
  utils::clear_session();
  utils::set_random_seed(3);
  models::Sequential model({Input({4}), layers::Dense(8, "relu"), layers::Dense(1, "sigmoid")});
  model.compile("adam", "binary_crossentropy", {"AUC", Precision(), RootMeanSquaredError()});
  const Tensor x = testing::random_tensor({32, 4}, 11);
  std::vector<float> labels;
  for (float v : x.to_vector<float>()) labels.push_back(v);
  std::vector<float> y(32);
  for (size_t i = 0; i < 32; ++i) y[i] = labels[i * 4] + labels[i * 4 + 1] > 0 ? 1.0f : 0.0f;
  const Tensor yt = Tensor::from_vector<float>(y, {32, 1});
  const auto history = model.fit(x, yt, {.batch_size = 8, .epochs = 3, .verbose = 0, .validation_split = 0.25});
  for (const char* key : {"loss", "AUC", "precision", "root_mean_squared_error", "val_loss", "val_AUC", "val_precision",
                          "val_root_mean_squared_error"}) {
    ASSERT_TRUE(history.history.count(key)) << key;
    EXPECT_EQ(history.history.at(key).size(), 3u) << key;
    for (double v : history.history.at(key)) EXPECT_TRUE(std::isfinite(v)) << key;
  }
  for (double v : history.history.at("AUC")) EXPECT_TRUE(v >= 0 && v <= 1);
  // evaluate's numbers are the metrics recomputed from scratch on predict's outputs.
  const Tensor pred = model.predict(x, {.verbose = 0});
  AUC auc;
  auc.update_state(yt, pred);
  RootMeanSquaredError rmse;
  rmse.update_state(yt, pred);
  const auto logs = model.evaluate(x, yt, {.batch_size = 8, .verbose = 0});
  EXPECT_NEAR(logs.at("AUC"), auc.result(), 1e-6);
  EXPECT_NEAR(logs.at("root_mean_squared_error"), rmse.result(), 1e-5);
  utils::clear_session();
}

// A model compiled with AUC (by name and as an object) saves to .keras and loads
// compiled, with the metric's config.
TEST(Metrics, KerasFileRoundTripWithAUCLoadsCompiled) {
  utils::set_random_seed(4);
  models::Sequential model({Input({3}), layers::Dense(1, "sigmoid")});
  model.compile("adam", "binary_crossentropy",
                {"AUC", AUC({.num_thresholds = 50, .curve = "PR", .name = "pr_auc"}), F1Score({.average = "micro"})});
  const std::string path = testing::temp_dir() + "/metrics_auc.keras";
  model.save(path);
  ::testing::internal::CaptureStderr();
  const auto loaded = saving::load_model(path);
  const std::string warnings = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(warnings.find("uncompiled"), std::string::npos) << warnings;
  ASSERT_TRUE(loaded->compiled());
  const auto& ms = loaded->compile_options().metrics;
  ASSERT_EQ(ms.size(), 3u);
  EXPECT_EQ(ms[0].spec(), "AUC");
  EXPECT_EQ(ms[1].ptr()->name(), "pr_auc");
  EXPECT_EQ(ms[1].ptr()->get_config(), model.compile_options().metrics[1].ptr()->get_config());
  EXPECT_EQ(ms[2].ptr()->class_name(), "F1Score");
  const Tensor x = testing::random_tensor({6, 3}, 2);
  const Tensor y = Tensor::from_vector<float>({0, 1, 1, 0, 1, 0}, {6, 1});
  const auto logs = loaded->evaluate(x, y, {.verbose = 0});
  EXPECT_TRUE(logs.count("AUC") && logs.count("pr_auc") && logs.count("f1_score"));
  std::filesystem::remove(path);
}

// variables() holds every number of the state: summing two processes' variables gives the
// state of one process that saw both batches (what the distributed trainer relies on).
TEST(Metrics, VariablesAreSummableStates) {
  const Tensor y1 = Tensor::from_vector<float>({0, 1, 1, 0, 1}, {5, 1});
  const Tensor p1 = Tensor::from_vector<float>({0.2f, 0.9f, 0.4f, 0.6f, 0.7f}, {5, 1});
  const Tensor y2 = Tensor::from_vector<float>({1, 0, 0}, {3, 1});
  const Tensor p2 = Tensor::from_vector<float>({0.3f, 0.1f, 0.8f}, {3, 1});
  auto make_all = [] {
    return std::vector<std::shared_ptr<Metric>>{
        std::make_shared<AUC>(),
        std::make_shared<AUC>(AUCOptions{.curve = "PR"}),
        std::make_shared<Precision>(),
        std::make_shared<Recall>(RecallOptions{.thresholds = {0.3, 0.5}}),
        std::make_shared<TruePositives>(),
        std::make_shared<SensitivityAtSpecificity>(0.5),
        std::make_shared<RootMeanSquaredError>(),
        std::make_shared<BinaryCrossentropy>(),
        std::make_shared<R2Score>(),
        std::make_shared<F1Score>(F1ScoreOptions{.average = "macro", .threshold = 0.5}),
        std::make_shared<BinaryIoU>(),
        std::make_shared<Hinge>(),
        std::make_shared<MeanTensor>(),
    };
  };
  auto a = make_all(), b = make_all(), both = make_all();
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(a[i]->class_name());
    const bool tensor_only = a[i]->class_name() == "MeanTensor";
    const Tensor second_y = tensor_only ? y1 : y2, second_p = tensor_only ? p1 : p2;
    a[i]->update_state(y1, p1);
    b[i]->update_state(second_y, second_p);
    both[i]->update_state(y1, p1);
    both[i]->update_state(second_y, second_p);
    auto va = a[i]->variables(), vb = b[i]->variables(), vboth = both[i]->variables();
    ASSERT_EQ(va.size(), vb.size());
    ASSERT_EQ(va.size(), vboth.size());
    ASSERT_FALSE(va.empty());
    for (size_t k = 0; k < va.size(); ++k) {
      *va[k] += *vb[k];
      EXPECT_NEAR(*va[k], *vboth[k], 1e-9) << k;
    }
    testing::expect_allclose(a[i]->result_tensor(), both[i]->result_tensor(), 1e-6, 1e-6);
  }
}

}  // namespace
}  // namespace keras::metrics
