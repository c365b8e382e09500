// keras.src.ops.numpy operations as nodes of a functional graph, as Keras 3 writes them
// (MobileNetV3's hard sigmoid: `x + 3.0`, `(1 / 6) * x`; ConvNeXt's residual `x + y`).
#include <nlohmann/json.hpp>

#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras::saving {
namespace {

using Json = nlohmann::ordered_json;

Json keras_tensor(const std::string& layer) {
  return {{"class_name", "__keras_tensor__"},
          {"config", {{"shape", {nullptr, 4}}, {"dtype", "float32"}, {"keras_history", {layer, 0, 0}}}}};
}

Json operation(const std::string& cls, const std::string& name, Json args) {
  return {{"module", "keras.src.ops.numpy"}, {"class_name", cls},          {"config", {{"name", name}}},
          {"registered_name", cls},          {"name", name},               {"inbound_nodes", {{{"args", args}, {"kwargs", Json::object()}}}}};
}

// y = x + (1/6) * (x + 3) - 2 / x  (numbers on the right, on the left, and two tensors)
Json graph() {
  Json layers = Json::array();
  layers.push_back({{"module", "keras.layers"},
                    {"class_name", "InputLayer"},
                    {"config", {{"batch_shape", {nullptr, 4}}, {"dtype", "float32"}, {"sparse", false}, {"name", "x"}}},
                    {"registered_name", nullptr},
                    {"name", "x"},
                    {"inbound_nodes", Json::array()}});
  layers.push_back(operation("Add", "add", {keras_tensor("x"), 3.0}));
  layers.push_back(operation("Multiply", "multiply", {1.0 / 6.0, keras_tensor("add")}));
  layers.push_back(operation("Divide", "divide", {2.0, keras_tensor("x")}));
  layers.push_back(operation("Add", "add_1", {keras_tensor("x"), keras_tensor("multiply")}));
  layers.push_back(operation("Subtract", "subtract", {keras_tensor("add_1"), keras_tensor("divide")}));
  return {{"module", "keras.src.models.functional"},
          {"class_name", "Functional"},
          {"config",
           {{"name", "ops"},
            {"trainable", true},
            {"layers", layers},
            {"input_layers", {{"x", 0, 0}}},
            {"output_layers", {{"subtract", 0, 0}}}}},
          {"registered_name", "Functional"}};
}

TEST(GraphOperations, NumbersOnEitherSideAndTwoTensors) {
  const Json config = graph();
  auto model = std::dynamic_pointer_cast<models::Model>(deserialize_layer(config));
  ASSERT_TRUE(model);
  EXPECT_TRUE(model->layers().empty() || model->layers().size() == 1);  // operations are not layers
  const Tensor x = Tensor::from_vector<float>({1, 2, -3, 4}, {1, 4});
  const auto y = model->predict(x).to_vector<float>();
  const std::vector<float> xs{1, 2, -3, 4};
  for (size_t i = 0; i < xs.size(); ++i)
    EXPECT_FLOAT_EQ(y[i], xs[i] + static_cast<float>(1.0 / 6.0) * (xs[i] + 3) - 2 / xs[i]) << i;

  // Written back as Keras wrote it: the same args, numbers in their places (compared by
  // layer name: the graph's order is Keras's map_graph order, not this hand-made list's).
  const Json ours = serialize_layer(*model);
  const Json& theirs = config.at("config").at("layers");
  ASSERT_EQ(ours.at("config").at("layers").size(), theirs.size());
  for (size_t i = 1; i < theirs.size(); ++i) {
    const Json* mine = nullptr;
    for (const auto& e : ours.at("config").at("layers"))
      if (e.at("name") == theirs[i].at("name")) mine = &e;
    ASSERT_TRUE(mine) << theirs[i].at("name");
    EXPECT_EQ(mine->at("module"), "keras.src.ops.numpy");
    EXPECT_EQ(mine->at("class_name"), theirs[i].at("class_name"));
    const Json& a = mine->at("inbound_nodes")[0].at("args");
    const Json& b = theirs[i].at("inbound_nodes")[0].at("args");
    ASSERT_EQ(a.size(), b.size()) << theirs[i].at("name");
    for (size_t k = 0; k < a.size(); ++k) {
      if (b[k].is_number()) EXPECT_EQ(a[k], b[k]) << theirs[i].at("name");
      else EXPECT_EQ(a[k].at("config").at("keras_history"), b[k].at("config").at("keras_history"));
    }
  }
}

TEST(GraphOperations, BadNodesAreRefusedByName) {
  Json config = graph();
  config["config"]["layers"][1]["inbound_nodes"][0]["args"] = {keras_tensor("x"), 3.0, 4.0};
  testing::expect_error<IOError>([&] { deserialize_layer(config); }, {"add", "more than one number"});
  config = graph();
  config["config"]["layers"][4]["inbound_nodes"][0]["args"] = {keras_tensor("x"), keras_tensor("x"), keras_tensor("x")};
  testing::expect_error<IOError>([&] { deserialize_layer(config); }, {"positional argument 2"});
  config = graph();
  config["config"]["layers"][4]["inbound_nodes"][0]["args"] = Json::array({keras_tensor("x")});  // x + nothing
  testing::expect_error<ValueError>([&] { deserialize_layer(config); }, {"add_1", "2 tensor operand(s), got 1"});
}

}  // namespace
}  // namespace keras::saving
