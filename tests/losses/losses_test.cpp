#include "keras/losses/losses.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "saving/legacy_h5.h"
#include "test_utils.h"

namespace keras::losses {
namespace {

const Tensor kProbs = Tensor::from_vector<float>({0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f}, {2, 3});

TEST(Losses, SparseCategoricalCrossentropy) {
  const Tensor labels = Tensor::from_vector<int64_t>({0, 2});
  const double want = (-std::log(0.7) - std::log(0.6)) / 2;
  EXPECT_NEAR(Loss("sparse_categorical_crossentropy")(labels, kProbs).item<double>(), want, 1e-6);
  // Labels shaped (N, 1) and as floats work too, as in Keras.
  EXPECT_NEAR(Loss("sparse_categorical_crossentropy")(Tensor::from_vector<float>({0, 2}, {2, 1}), kProbs).item<double>(),
              want, 1e-6);
  // From logits = log_softmax.
  const Tensor logits = Tensor::from_vector<float>({2.f, 0.5f, -1.f, 0.f, 1.f, 3.f}, {2, 3});
  auto ls = ops::log_softmax(logits).to_vector<double>();
  EXPECT_NEAR(SparseCategoricalCrossentropy({.from_logits = true})(labels, logits).item<double>(), -(ls[0] + ls[5]) / 2,
              1e-6);
  testing::expect_error<ValueError>([&] { Loss("sparse_categorical_crossentropy")(Tensor::from_vector<int64_t>({0, 3}), kProbs); },
                                    {"label value of 3", "[0, 3)"});
  testing::expect_error<ValueError>(
      [&] { Loss("sparse_categorical_crossentropy")(Tensor::from_vector<int64_t>({0, 1, 2}), kProbs); }, {"(3,)", "(2, 3)"});
}

TEST(Losses, CategoricalCrossentropy) {
  const Tensor onehot = Tensor::from_vector<float>({1, 0, 0, 0, 0, 1}, {2, 3});
  EXPECT_NEAR(Loss("categorical_crossentropy")(onehot, kProbs).item<double>(), (-std::log(0.7) - std::log(0.6)) / 2, 1e-6);
  // Label smoothing 0.3 over 3 classes: targets 0.8 / 0.1 / 0.1.
  const double want = (-(0.8 * std::log(0.7) + 0.1 * std::log(0.2) + 0.1 * std::log(0.1)) -
                       (0.1 * std::log(0.1) + 0.1 * std::log(0.3) + 0.8 * std::log(0.6))) / 2;
  EXPECT_NEAR(CategoricalCrossentropy({.label_smoothing = 0.3})(onehot, kProbs).item<double>(), want, 1e-6);
  testing::expect_error<ValueError>([&] { Loss("categorical_crossentropy")(Tensor::ones({2, 4}), kProbs); },
                                    {"y_true.shape=(2, 4)", "y_pred.shape=(2, 3)"});
}

TEST(Losses, BinaryCrossentropy) {
  const Tensor y = Tensor::from_vector<float>({1, 0, 1}, {3, 1});
  const Tensor p = Tensor::from_vector<float>({0.9f, 0.2f, 0.4f}, {3, 1});
  const double want = -(std::log(0.9) + std::log(0.8) + std::log(0.4)) / 3;
  EXPECT_NEAR(Loss("binary_crossentropy")(y, p).item<double>(), want, 1e-6);
  // Logits give the same value through the stable formula; (N,) labels are expanded.
  const Tensor logits = ops::log(p / (1.0 - p));
  EXPECT_NEAR(BinaryCrossentropy({.from_logits = true})(Tensor::from_vector<float>({1, 0, 1}), logits).item<double>(),
              want, 1e-5);
}

TEST(Losses, Regression) {
  const Tensor t = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2});
  const Tensor p = Tensor::from_vector<float>({1.5f, 2, 1, 4}, {2, 2});
  EXPECT_NEAR(Loss("mse")(t, p).item<double>(), (0.25 + 0 + 4 + 0) / 4, 1e-6);
  EXPECT_NEAR(Loss("mae")(t, p).item<double>(), (0.5 + 0 + 2 + 0) / 4, 1e-6);
  EXPECT_NEAR(Loss("huber")(t, p).item<double>(), (0.5 * 0.25 + 0 + (0.5 + 1.0) + 0) / 4, 1e-6);
  EXPECT_NEAR(MeanSquaredError({.reduction = "sum", .name = {}})(t, p).item<double>(), 0.25 / 2 + 4.0 / 2, 1e-6);
  EXPECT_EQ(MeanSquaredError({.reduction = "none", .name = {}})(t, p).shape(), Shape({2}));
  testing::expect_error<ValueError>([] { Loss("nope"); }, {"loss", "nope", "Tversky"});
}

TEST(Losses, Gradients) {
  const Tensor labels = Tensor::from_vector<int64_t>({0, 2, 1});
  Tensor logits = testing::random_tensor({3, 3}, 1, -2, 2);
  logits.set_requires_grad(true);
  testing::check_gradients(
      [&](const TensorList& x) { return SparseCategoricalCrossentropy({.from_logits = true})(labels, x[0]); }, {logits});
  Tensor probs = ops::softmax(testing::random_tensor({3, 3}, 2)).detach();
  probs.set_requires_grad(true);
  testing::check_gradients([&](const TensorList& x) { return Loss("sparse_categorical_crossentropy")(labels, x[0]); },
                           {probs});
  const Tensor y = Tensor::from_vector<float>({1, 0, 1}, {3, 1});
  Tensor z = testing::random_tensor({3, 1}, 3, -2, 2);
  z.set_requires_grad(true);
  testing::check_gradients([&](const TensorList& x) { return BinaryCrossentropy({.from_logits = true})(y, x[0]); }, {z});
  Tensor r = testing::random_tensor({3, 2}, 4);
  r.set_requires_grad(true);
  const Tensor target = testing::random_tensor({3, 2}, 5);
  testing::check_gradients([&](const TensorList& x) { return Loss("mse")(target, x[0]); }, {r});
  testing::check_gradients([&](const TensorList& x) { return Loss("huber")(target, x[0]); }, {r});
}

// ---- names and configs (keras/src/losses/__init__.py, losses.py get_config)

TEST(LossNames, EveryKerasIdentifier) {
  const std::vector<std::pair<std::vector<const char*>, const char*>> names{
      {{"BinaryCrossentropy", "binary_crossentropy", "bce", "BCE"}, "BinaryCrossentropy"},
      {{"BinaryFocalCrossentropy", "binary_focal_crossentropy"}, "BinaryFocalCrossentropy"},
      {{"CategoricalCrossentropy", "categorical_crossentropy"}, "CategoricalCrossentropy"},
      {{"CategoricalFocalCrossentropy", "categorical_focal_crossentropy"}, "CategoricalFocalCrossentropy"},
      {{"SparseCategoricalCrossentropy", "sparse_categorical_crossentropy"}, "SparseCategoricalCrossentropy"},
      {{"CategoricalGeneralizedCrossEntropy", "categorical_generalized_cross_entropy"},
       "CategoricalGeneralizedCrossEntropy"},
      {{"KLDivergence", "kl_divergence", "kld", "KLD", "kullback_leibler_divergence"}, "KLDivergence"},
      {{"Poisson", "poisson"}, "Poisson"},
      {{"MeanSquaredError", "mean_squared_error", "mse", "MSE"}, "MeanSquaredError"},
      {{"MeanAbsoluteError", "mean_absolute_error", "mae", "MAE"}, "MeanAbsoluteError"},
      {{"MeanAbsolutePercentageError", "mean_absolute_percentage_error", "mape", "MAPE"},
       "MeanAbsolutePercentageError"},
      {{"MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", "msle", "MSLE"},
       "MeanSquaredLogarithmicError"},
      {{"CosineSimilarity", "cosine_similarity"}, "CosineSimilarity"},
      {{"LogCosh", "log_cosh", "logcosh"}, "LogCosh"},
      {{"Huber", "huber", "huber_loss"}, "Huber"},
      {{"Hinge", "hinge"}, "Hinge"},
      {{"SquaredHinge", "squared_hinge"}, "SquaredHinge"},
      {{"CategoricalHinge", "categorical_hinge"}, "CategoricalHinge"},
      {{"Dice", "dice"}, "Dice"},
      {{"Tversky", "tversky"}, "Tversky"},
      {{"Circle", "circle"}, "Circle"},
      {{"CTC", "ctc"}, "CTC"}};
  for (const auto& [ids, cls] : names)
    for (const char* id : ids) {
      const Loss l(id);
      EXPECT_EQ(l.class_name(), cls) << id;
      EXPECT_EQ(l.spec(), id);
      EXPECT_EQ(Loss::from_config(id, {}).class_name(), cls) << id;  // function names as class names (fn configs)
    }
  EXPECT_EQ(Loss("msle").name(), "mean_squared_logarithmic_error");
  EXPECT_EQ(Loss("Huber").name(), "huber_loss");
}

std::vector<std::string> keys(const Loss& l) {
  std::vector<std::string> out;
  for (const auto& kv : l.config()) out.push_back(kv.first);
  return out;
}

TEST(LossConfig, KerasKeysInKerasOrder) {
  using K = std::vector<std::string>;
  const K base{"name", "reduction"};
  auto with = [&](K extra) {
    K k = base;
    k.insert(k.end(), extra.begin(), extra.end());
    return k;
  };
  EXPECT_EQ(keys(BinaryCrossentropy()), with({"from_logits", "label_smoothing", "axis"}));
  EXPECT_EQ(keys(CategoricalCrossentropy()), with({"from_logits", "label_smoothing", "axis"}));
  EXPECT_EQ(keys(SparseCategoricalCrossentropy()), with({"from_logits", "ignore_class", "axis"}));
  EXPECT_EQ(keys(BinaryFocalCrossentropy()),
            with({"from_logits", "label_smoothing", "axis", "apply_class_balancing", "alpha", "gamma"}));
  EXPECT_EQ(keys(CategoricalFocalCrossentropy()), with({"from_logits", "label_smoothing", "axis", "alpha", "gamma"}));
  EXPECT_EQ(keys(CategoricalGeneralizedCrossEntropy()), with({"q"}));
  EXPECT_EQ(keys(CosineSimilarity()), with({"axis"}));
  EXPECT_EQ(keys(Huber()), with({"delta"}));
  EXPECT_EQ(keys(Dice()), with({"axis"}));
  EXPECT_EQ(keys(Tversky()), with({"alpha", "beta", "axis"}));
  EXPECT_EQ(keys(Circle()), with({"gamma", "margin", "remove_diagonal"}));
  for (const char* plain : {"mse", "mae", "mape", "msle", "log_cosh", "kld", "poisson", "hinge", "squared_hinge",
                            "categorical_hinge", "ctc"})
    EXPECT_EQ(keys(Loss(plain)), base) << plain;
  // Defaults, as Keras's __init__ has them.
  const auto c = BinaryFocalCrossentropy().config();
  EXPECT_EQ(c[0].second, ConfigValue(std::string("binary_focal_crossentropy")));
  EXPECT_EQ(c[1].second, ConfigValue(std::string("sum_over_batch_size")));
  EXPECT_EQ(c[6].second, ConfigValue(0.25));
  EXPECT_EQ(c[7].second, ConfigValue(2.0));
  EXPECT_EQ(Circle().config()[2].second, ConfigValue(80.0));
  EXPECT_EQ(Dice().config()[2].second, ConfigValue(nullptr));
  EXPECT_EQ(SparseCategoricalCrossentropy().config()[3].second, ConfigValue(nullptr));
}

TEST(LossConfig, RoundTripWithNonDefaultArguments) {
  const std::vector<Loss> all{
      BinaryCrossentropy({.from_logits = true, .label_smoothing = 0.1, .axis = 0, .reduction = "sum", .name = "b"}),
      CategoricalCrossentropy({.from_logits = true, .label_smoothing = 0.2, .axis = 1, .reduction = std::nullopt}),
      SparseCategoricalCrossentropy({.from_logits = true, .ignore_class = 3, .reduction = "mean", .axis = 0}),
      BinaryFocalCrossentropy({.apply_class_balancing = true, .alpha = 0.4, .gamma = 3.0, .from_logits = true}),
      CategoricalFocalCrossentropy({.alpha = 0.5, .gamma = 1.0, .label_smoothing = 0.3}),
      CategoricalGeneralizedCrossEntropy({.q = 0.2, .reduction = "mean_with_sample_weight"}),
      KLDivergence({.reduction = "sum", .name = "k"}),
      Poisson(),
      MeanSquaredError(),
      MeanAbsoluteError({.reduction = "none"}),
      MeanAbsolutePercentageError(),
      MeanSquaredLogarithmicError(),
      CosineSimilarity({.axis = 1}),
      LogCosh(),
      Huber({.delta = 0.3}),
      Hinge(),
      SquaredHinge(),
      CategoricalHinge(),
      Dice({.axis = std::vector<int64_t>{1, 2}}),
      Dice({.axis = std::vector<int64_t>{1}}),
      Tversky({.alpha = 0.2, .beta = 0.8, .axis = std::vector<int64_t>{1}}),
      Circle({.gamma = 256, .margin = 0.25, .remove_diagonal = false}),
      CTC({.name = "myctc"})};
  for (const auto& l : all) {
    SCOPED_TRACE(l.class_name());
    const Loss back = Loss::from_config(l.class_name(), l.config());
    EXPECT_EQ(back.class_name(), l.class_name());
    EXPECT_EQ(back.config(), l.config());
    EXPECT_EQ(back.name(), l.name());
    EXPECT_EQ(back.reduction(), l.reduction());
  }
  // One axis is written as an int, several as a list.
  EXPECT_EQ(Dice({.axis = std::vector<int64_t>{1}}).config()[2].second, ConfigValue(int64_t{1}));
  EXPECT_EQ(Dice({.axis = std::vector<int64_t>{1, 2}}).config()[2].second, ConfigValue(std::vector<int64_t>{1, 2}));
}

TEST(LossConfig, FromConfigErrors) {
  testing::expect_error<ValueError>(
      [] {
        Loss::from_config("Huber", {{"delta", 1.0}, {"beta", 2.0}});
      },
      {"Huber", "unexpected argument `beta`"});
  testing::expect_error<ValueError>(
      [] {
        Loss::from_config("Huber", {{"delta", std::string("big")}});
      },
      {"Huber", "delta", "number"});
  testing::expect_error<ValueError>(
      [] {
        Loss::from_config("BinaryCrossentropy", {{"from_logits", int64_t{1}}});
      },
      {"BinaryCrossentropy", "from_logits", "true or false"});
  testing::expect_error<ValueError>([] { Loss::from_config("Dice", {{"axis", 1.5}}); }, {"Dice", "axis"});
  testing::expect_error<ValueError>(
      [] {
        Loss::from_config("MeanSquaredError", {{"reduction", std::string("avg")}});
      },
      {"reduction", "avg"});
  testing::expect_error<ValueError>(
      [] {
        Loss::from_config("CategoricalGeneralizedCrossEntropy", {{"q", 2.0}});
      },
      {"q", "(0, 1)"});
  testing::expect_error<ValueError>([] { Loss::from_config("NoSuchLoss", {}); }, {"NoSuchLoss"});
  // What Keras may also write: "fn" (LossFunctionWrapper), "dtype", tf.keras's "auto".
  const Loss l = Loss::from_config("MeanSquaredError", {{"name", std::string("mse")},
                                                        {"reduction", std::string("auto")},
                                                        {"fn", std::string("mean_squared_error")},
                                                        {"dtype", nullptr}});
  EXPECT_EQ(l.reduction(), Reduction("sum_over_batch_size"));
  EXPECT_EQ(l.name(), "mse");
}

// ---- compile configs as Keras 3 writes them, and .keras round trips

models::Sequential tiny_model(int64_t units) {
  return models::Sequential({Input({3}), layers::Dense(units, "sigmoid")});
}

using json = nlohmann::ordered_json;

TEST(LossConfig, KerasCompileConfigsLoadCompiled) {
  // model.compile(loss=...) in Keras 3, then model.get_compile_config()["loss"].
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"module": "keras.losses", "class_name": "BinaryFocalCrossentropy", "config": {"name": "binary_focal_crossentropy", "reduction": "sum_over_batch_size", "from_logits": false, "label_smoothing": 0.0, "axis": -1, "apply_class_balancing": true, "alpha": 0.3, "gamma": 3.0}, "registered_name": null})",
       "BinaryFocalCrossentropy"},
      {R"({"module": "keras.losses", "class_name": "SparseCategoricalCrossentropy", "config": {"name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size", "from_logits": true, "ignore_class": null, "axis": -1}, "registered_name": null})",
       "SparseCategoricalCrossentropy"},
      {R"({"module": "keras.losses", "class_name": "Huber", "config": {"name": "huber_loss", "reduction": "sum", "delta": 0.5}, "registered_name": null})",
       "Huber"},
      {R"({"module": "keras.losses", "class_name": "Tversky", "config": {"name": "tversky", "reduction": "sum_over_batch_size", "alpha": 0.3, "beta": 0.7, "axis": [1, 2]}, "registered_name": null})",
       "Tversky"},
      {R"({"module": "keras.losses", "class_name": "Dice", "config": {"name": "dice", "reduction": null, "axis": null}, "registered_name": null})",
       "Dice"},
      {R"({"module": "keras.losses", "class_name": "Dice", "config": {"name": "my_dice", "reduction": "mean", "axis": 1}, "registered_name": null})",
       "Dice"},
      {R"({"module": "keras.losses", "class_name": "Circle", "config": {"name": "circle", "reduction": "sum_over_batch_size", "gamma": 80.0, "margin": 0.4, "remove_diagonal": true}, "registered_name": null})",
       "Circle"},
      {R"({"module": "keras.losses", "class_name": "CategoricalGeneralizedCrossEntropy", "config": {"name": "categorical_generalized_cross_entropy", "reduction": "sum_over_batch_size", "q": 0.5}, "registered_name": null})",
       "CategoricalGeneralizedCrossEntropy"},
      {R"({"module": "keras.losses", "class_name": "CosineSimilarity", "config": {"name": "cosine_similarity", "reduction": "sum_over_batch_size", "axis": -1}, "registered_name": null})",
       "CosineSimilarity"},
      {R"({"module": "keras.losses", "class_name": "LogCosh", "config": {"name": "log_cosh", "reduction": "sum_over_batch_size"}, "registered_name": null})",
       "LogCosh"},
      // A loss function object: compile(loss=keras.losses.mean_squared_logarithmic_error).
      {R"({"module": "keras.metrics", "class_name": "function", "config": "mean_squared_logarithmic_error", "registered_name": "mean_squared_logarithmic_error"})",
       "MeanSquaredLogarithmicError"},
      // A LossFunctionWrapper around a function, with the function's arguments.
      {R"({"module": "keras.losses", "class_name": "LossFunctionWrapper", "config": {"name": "bce", "reduction": "sum", "fn": {"module": "keras.losses", "class_name": "function", "config": "binary_crossentropy", "registered_name": "binary_crossentropy"}, "from_logits": true}, "registered_name": null})",
       "BinaryCrossentropy"},
      {R"("mape")", "MeanAbsolutePercentageError"},
      {R"("kld")", "KLDivergence"},
      {R"("logcosh")", "LogCosh"},
  };
  for (const auto& [text, cls] : cases) {
    SCOPED_TRACE(text);
    const json loss = json::parse(text);
    auto model = tiny_model(2);
    saving::apply_compile_config(model, json{{"optimizer", "adam"}, {"loss", loss}, {"metrics", nullptr}});
    ASSERT_TRUE(model.compiled());
    const Loss& l = *model.compile_options().loss;
    EXPECT_EQ(l.class_name(), cls);
    // Written back as Keras wrote it (an object's config key for key).
    if (loss.is_object() && loss["class_name"] == cls) {
      const json back = saving::model_config(model)["compile_config"]["loss"];
      EXPECT_EQ(back["config"], loss["config"]);
      EXPECT_EQ(back["class_name"], cls);
    }
  }
  const json wrapped = json::parse(std::get<0>(cases[11]));
  auto model = tiny_model(2);
  saving::apply_compile_config(model, json{{"optimizer", "adam"}, {"loss", wrapped}, {"metrics", nullptr}});
  const Loss& l = *model.compile_options().loss;
  EXPECT_EQ(l.config(), BinaryCrossentropy({.from_logits = true, .reduction = "sum", .name = "bce"}).config());
}

TEST(LossConfig, CompiledModelSavedAndLoadedWithTheSameLoss) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("keras_losses_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const Tensor x = testing::random_tensor({8, 3}, 1);
  const Tensor y = ops::greater(testing::random_tensor({8, 2}, 2), Tensor::scalar(0.0)).astype(DType::float32);
  const std::vector<Loss> losses{
      BinaryFocalCrossentropy({.apply_class_balancing = true, .alpha = 0.4, .gamma = 1.5, .label_smoothing = 0.1}),
      Tversky({.alpha = 0.3, .beta = 0.7, .reduction = "sum", .axis = std::vector<int64_t>{1}}), Loss("msle"),
      Poisson({.name = "counts"})};
  for (const auto& loss : losses) {
    SCOPED_TRACE(loss.name());
    auto model = tiny_model(2);
    model.compile({.optimizer = "sgd", .loss = loss});
    const double before = model.evaluate(x, y, {.batch_size = 8, .verbose = 0}).at("loss");
    const std::string path = (dir / (loss.name() + ".keras")).string();
    model.save(path);
    ::testing::internal::CaptureStderr();
    const auto loaded = saving::load_model(path);
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
    ASSERT_TRUE(loaded->compiled());
    const Loss& back = *loaded->compile_options().loss;
    EXPECT_EQ(back.class_name(), loss.class_name());
    EXPECT_EQ(back.config(), loss.config());
    EXPECT_EQ(back.spec(), loss.spec());
    EXPECT_NEAR(loaded->evaluate(x, y, {.batch_size = 8, .verbose = 0}).at("loss"), before, 1e-6);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace keras::losses
