// Regularizers and constraints in layer configs: written as Keras writes them, read from
// Keras's files (Keras 3 objects, tf.keras 2 objects, plain names), through every layer
// family that takes them.
#include <nlohmann/json.hpp>

#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras::saving {
namespace {

using namespace layers;
using json = nlohmann::ordered_json;

std::shared_ptr<Layer> round_trip(const Layer& l) { return deserialize_layer(serialize_layer(l)); }

TEST(RegularizerConfigs, WrittenAsKerasWritesThem) {
  Dense d(4, {.kernel_regularizer = regularizers::L2(0.1), .activity_regularizer = regularizers::L1L2(0.0, 0.5),
              .kernel_constraint = constraints::MaxNorm(3.0)});
  const json c = serialize_layer(d)["config"];
  EXPECT_EQ(c["kernel_regularizer"],
            json::parse(R"({"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.1}, "registered_name": null})"));
  EXPECT_EQ(c["kernel_constraint"]["config"], json::parse(R"({"max_value": 3.0, "axis": 0})"));
  EXPECT_EQ(c["kernel_constraint"]["module"], "keras.constraints");
  EXPECT_TRUE(c["bias_regularizer"].is_null());
  EXPECT_EQ(c["activity_regularizer"]["class_name"], "L1L2");
  Conv2D conv(2, 3, {.kernel_constraint = constraints::MaxNorm(2.0, {0, 1, 2})});
  EXPECT_EQ(serialize_layer(conv)["config"]["kernel_constraint"]["config"]["axis"], json::parse("[0, 1, 2]"));
  // ActivityRegularization writes l1 and l2, not its regularizer (as Keras).
  const json a = serialize_layer(ActivityRegularization({.l1 = 0.25, .l2 = 0.0}))["config"];
  EXPECT_EQ(a["l1"], 0.25);
  EXPECT_FALSE(a.contains("activity_regularizer"));
}

TEST(RegularizerConfigs, EveryFamilyRoundTripsAndKeepsItsPenalty) {
  const Tensor x = testing::random_tensor({2, 5, 4}, 1);
  auto penalty = [](const Layer& l) {
    double total = 0;
    for (const Tensor& t : l.regularization_losses()) total += t.item<double>();
    return total;
  };
  std::vector<LayerHandle> layers{
      Dense(3, {.kernel_regularizer = regularizers::L2(0.1), .bias_regularizer = "l1", .kernel_constraint = "non_neg"}),
      Conv1D(3, 2, {.kernel_regularizer = regularizers::L1(0.2), .bias_constraint = constraints::MaxNorm(1.0)}),
      LSTM(3, {.kernel_regularizer = regularizers::L2(0.3), .recurrent_regularizer = regularizers::L1(0.1),
               .recurrent_constraint = constraints::UnitNorm()}),
      GRU(3, {.bias_initializer = "ones", .bias_regularizer = regularizers::L2(0.4), .activity_regularizer = regularizers::L2(0.01)}),
      SimpleRNN(3, {.kernel_regularizer = regularizers::L2(0.5)}),
      BatchNormalization({.gamma_regularizer = regularizers::L2(0.2), .beta_constraint = constraints::NonNeg()}),
      PReLU({.alpha_initializer = "ones", .alpha_regularizer = regularizers::L1(0.3)}),
  };
  for (auto& l : layers) {
    (*l)(x);  // build
    auto copy = round_trip(*l);
    (*copy)(x);
    copy->set_weights(l->get_weights());
    EXPECT_GT(penalty(*l), 0.0) << l->class_name();
    EXPECT_NEAR(penalty(*copy), penalty(*l), 1e-6) << l->class_name();
    EXPECT_EQ(serialize_layer(*copy), serialize_layer(*l)) << l->class_name();
    const auto w = l->weights(), wc = copy->weights();
    for (size_t i = 0; i < w.size(); ++i) {
      EXPECT_EQ(static_cast<bool>(w[i].constraint()), static_cast<bool>(wc[i].constraint())) << w[i].path();
      EXPECT_EQ(static_cast<bool>(w[i].regularizer()), static_cast<bool>(wc[i].regularizer())) << w[i].path();
    }
  }
  Embedding e(10, 4, {.embeddings_regularizer = regularizers::L2(0.1), .embeddings_constraint = "unit_norm"});
  e(Tensor::from_vector<int32_t>({1, 2}, {1, 2}));
  auto e2 = round_trip(e);
  EXPECT_EQ(serialize_layer(*e2), serialize_layer(e));
}

TEST(RegularizerConfigs, ReadsKerasFiles) {
  // Keras 3 (float32 factors as Python writes them), tf.keras 2 (no module), and names.
  const json k3 = json::parse(R"({"module": "keras.layers", "class_name": "Dense", "config": {
      "name": "d", "trainable": true, "dtype": "float32", "units": 2, "activation": "linear", "use_bias": true,
      "kernel_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
      "bias_initializer": "zeros",
      "kernel_regularizer": {"module": "keras.regularizers", "class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.009999999776482582}, "registered_name": null},
      "bias_regularizer": {"class_name": "L2", "config": {"l2": 0.5}},
      "activity_regularizer": "l1",
      "kernel_constraint": {"module": "keras.constraints", "class_name": "MinMaxNorm", "config": {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": [0]}, "registered_name": null},
      "bias_constraint": null}})");
  auto layer = deserialize_layer(k3);
  const auto& d = dynamic_cast<const Dense&>(*layer);
  EXPECT_EQ(d.options().kernel_regularizer.class_name(), "L1L2");
  EXPECT_EQ(d.options().bias_regularizer.class_name(), "L2");
  EXPECT_EQ(layer->activity_regularizer().class_name(), "L1");
  EXPECT_EQ(d.options().kernel_constraint.class_name(), "MinMaxNorm");

  json bad = k3;
  bad["config"]["kernel_regularizer"] = json::parse(R"({"class_name": "OrthogonalRegularizer", "config": {"factor": 0.01}})");
  testing::expect_error<IOError>([&] { deserialize_layer(bad); }, {"layer \"d\" kernel_regularizer", "OrthogonalRegularizer"});
  bad = k3;
  bad["config"]["kernel_constraint"] = json::parse(R"({"class_name": "MaxNorm", "config": {"max_value": -1}})");
  testing::expect_error<IOError>([&] { deserialize_layer(bad); }, {"kernel_constraint", "max_value"});
}

}  // namespace
}  // namespace keras::saving
