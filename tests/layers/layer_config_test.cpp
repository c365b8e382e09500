// Layer configs from the options' field tables (keras/layers/layer_config.h): written as
// real Keras writes them, read back with defaults for missing keys and errors naming the
// layer and the key, equality and printing from the same tables, and a program's own
// layer class registered with one line.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "keras/layers/layer_config.h"
#include "keras/layers/registry.h"
#include "keras/saving/saving.h"
#include "test_utils.h"
#include "saving/zip_archive.h"

namespace keras::layers {
namespace {

/// Drops what is not a layer's config: the graph's wiring (inbound_nodes, where Keras
/// records call arguments we also record differently), Keras's shared-object ids and
/// the (empty) compile config.
void strip_graph(Config& c) {
  if (c.is_object()) {
    for (const char* k : {"inbound_nodes", "shared_object_id", "compile_config"}) c.erase(k);
    for (auto& [k, v] : c.items()) strip_graph(v);
  } else if (c.is_array()) {
    for (auto& v : c) strip_graph(v);
  }
}

Config config_json(const std::string& keras_file) {
  const auto bytes = saving::ZipReader(keras_file).read("config.json", 1 << 24);
  return Config::parse(std::string(bytes.begin(), bytes.end()));
}

/// The path of the first difference between two configs (keys in order), or "".
std::string first_difference(const Config& a, const Config& b, const std::string& path = "") {
  if (a.type() != b.type() && !(a.is_number() && b.is_number())) return path + ": " + a.dump().substr(0, 80) + " vs " + b.dump().substr(0, 80);
  if (a.is_object()) {
    auto ia = a.begin(), ib = b.begin();
    for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
      if (ia.key() != ib.key()) return path + ": key " + ia.key() + " vs " + ib.key();
      if (auto d = first_difference(ia.value(), ib.value(), path + "/" + ia.key()); !d.empty()) return d;
    }
    return ia == a.end() && ib == b.end() ? "" : path + ": different key counts";
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return path + ": lists of " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
    for (size_t i = 0; i < a.size(); ++i)
      if (auto d = first_difference(a[i], b[i], path + "/" + std::to_string(i)); !d.empty()) return d;
    return "";
  }
  return a == b ? "" : path + ": " + a.dump().substr(0, 80) + " vs " + b.dump().substr(0, 80);
}

TEST(LayerConfig, EveryReferenceModelsLayerConfigsAreWhatKerasWrote) {
  // Every layer of every reference case: the same keys, in the same order, with the same
  // values as the config.json that Keras 3 wrote.
  int compared = 0;
  for (const auto& e : std::filesystem::directory_iterator(testing::data_dir() + "/keras_cases")) {
    const std::string file = e.path().string() + "/model.keras";
    if (!std::filesystem::exists(file)) continue;
    SCOPED_TRACE(e.path().filename().string());
    auto model = saving::load_model(file, {.compile = false});
    if (!model) continue;
    const std::string saved = testing::temp_dir() + "/resaved.keras";
    model->save(saved);
    Config ours = config_json(saved), theirs = config_json(file);
    strip_graph(ours);
    strip_graph(theirs);
    EXPECT_EQ(first_difference(ours, theirs), "");
    ++compared;
  }
  EXPECT_GE(compared, 129);
}

TEST(LayerConfig, MissingKeysKeepTheDefaults) {
  auto layer = deserialize(Config::parse(R"({"class_name": "Dense", "config": {"name": "d", "units": 3}})"));
  const auto& d = dynamic_cast<const Dense&>(*layer);
  EXPECT_EQ(d.units(), 3);
  EXPECT_TRUE(options_equal(d.options(), DenseOptions{.name = "d"}));
  auto lstm = deserialize(Config::parse(R"({"class_name": "LSTM", "config": {"units": 2, "go_backwards": true}})"));
  const auto& l = dynamic_cast<const LSTM&>(*lstm);
  EXPECT_TRUE(l.rnn_options().go_backwards);
  EXPECT_EQ(l.lstm_cell().options().recurrent_activation.name(), "sigmoid");
  EXPECT_TRUE(l.lstm_cell().options().unit_forget_bias);
}

TEST(LayerConfig, BadValuesNameTheLayerAndTheKey) {
  testing::expect_error<IOError>(
      [] { deserialize(Config::parse(R"({"class_name": "Dense", "config": {"name": "d", "units": 3, "use_bias": "yes"}})")); },
      {"layer \"d\" use_bias", "true or false"});
  testing::expect_error<IOError>(
      [] { deserialize(Config::parse(R"({"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": [1, 2, 3]}})")); },
      {"layer \"c\" kernel_size", "expected 2 values"});
  testing::expect_error<IOError>([] { deserialize(Config::parse(R"({"class_name": "Dense", "config": {"name": "d"}})")); },
                                 {"layer \"d\"", "missing \"units\""});
  testing::expect_error<IOError>(
      [] { deserialize(Config::parse(R"({"class_name": "Softmax", "config": {"name": "s", "axis": [1, 2]}})")); },
      {"layer \"s\" axis", "several axes"});
  // LeakyReLU's older key.
  auto leaky = deserialize(Config::parse(R"({"class_name": "LeakyReLU", "config": {"alpha": 0.2}})"));
  EXPECT_DOUBLE_EQ(dynamic_cast<const LeakyReLU&>(*leaky).negative_slope(), 0.2);
}

TEST(LayerConfig, TablesDriveEqualityAndPrinting) {
  EXPECT_TRUE(options_equal(Conv2DOptions{}, Conv2DOptions{}));
  EXPECT_TRUE(options_equal(Conv2DOptions{.strides = 2}, Conv2DOptions{.strides = {2, 2}}));
  EXPECT_FALSE(options_equal(Conv2DOptions{.strides = 2}, Conv2DOptions{}));
  EXPECT_FALSE(options_equal(DenseOptions{.activation = "relu"}, DenseOptions{}));
  EXPECT_FALSE(options_equal(DenseOptions{.kernel_regularizer = regularizers::L2(0.1)}, DenseOptions{}));
  EXPECT_FALSE(options_equal(DenseOptions{.name = "a"}, DenseOptions{.name = "b"}));
  // Initializers compare by what they serialize to.
  EXPECT_TRUE(options_equal(DenseOptions{.kernel_initializer = "GlorotUniform"}, DenseOptions{}));
  const std::string text = options_to_string(DropoutOptions{.seed = 7, .name = "drop"});
  EXPECT_EQ(text, R"({"seed":7,"noise_shape":null,"name":"drop"})");
  EXPECT_NE(options_to_string(LSTMOptions{.return_sequences = true}).find(R"("return_sequences":true)"), std::string::npos);
}

TEST(LayerConfig, ConfigRoundTripKeepsEveryOption) {
  const Conv1DOptions o{.strides = 2, .padding = "same", .dilation_rate = 1, .groups = 1, .activation = "tanh",
                        .use_bias = false, .kernel_initializer = "he_normal", .kernel_regularizer = regularizers::L1(0.5)};
  Conv1D conv(4, 3, o);
  auto copy = deserialize(serialize(conv));
  // A config holds the resolved name and dtype; the rest comes back as given.
  Conv1DOptions resolved = o;
  resolved.name = conv.name();
  resolved.dtype = DType::float32;
  EXPECT_TRUE(options_equal(dynamic_cast<const Conv1D&>(*copy).options(), resolved));
  EXPECT_FALSE(options_equal(dynamic_cast<const Conv1D&>(*copy).options(), Conv1DOptions{.name = conv.name()}));
  GRU gru(3, {.recurrent_dropout = 0.25, .seed = 5, .return_sequences = true, .reset_after = false, .dtype = DType::float32});
  auto g = deserialize(serialize(gru));
  EXPECT_TRUE(options_equal(dynamic_cast<const GRU&>(*g).gru_cell().options(), gru.gru_cell().options()));
  EXPECT_EQ(serialize(*g).dump(), serialize(gru).dump());
}

TEST(LayerConfig, CellsShareTheirLayersOptionsButNotTheLayerArguments) {
  LSTM lstm(4, {.dropout = 0.5, .return_sequences = true, .name = "enc"});
  EXPECT_DOUBLE_EQ(lstm.lstm_cell().options().dropout, 0.5);
  EXPECT_FALSE(lstm.lstm_cell().options().return_sequences);
  EXPECT_EQ(lstm.lstm_cell().name(), "lstm_cell");
  testing::expect_error<ValueError>([] { LSTMCell(4, {.return_sequences = true}); },
                                    {"LSTMCell", "return_sequences", "LSTM layer"});
  testing::expect_error<ValueError>([] { GRUCell(4, {.input_shape = Shape{3, 2}}); }, {"GRUCell", "input_shape"});
}

// A program's own layer: an options struct with its table, a get_config from it, and one
// registration line (the pattern of docs/adding_a_layer.md).
struct ScaleOptions {
  double factor = 2.0;
  bool use_offset = false;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;
  static constexpr auto fields() {
    return std::tuple{field("factor", &ScaleOptions::factor), field("use_offset", &ScaleOptions::use_offset)};
  }
};

class Scale : public Concrete<Scale> {
 public:
  using Options = ScaleOptions;
  explicit Scale(ScaleOptions o = {}) : Concrete("Scale", layer_args_of(o)), o_(std::move(o)) {}
  Tensor call(const Tensor& x, const CallContext&) override { return o_.use_offset ? x * o_.factor + 1.0 : x * o_.factor; }
  Config get_config() const override { return config_with_fields(*this, o_); }
  const ScaleOptions& options() const { return o_; }

 private:
  ScaleOptions o_;
};

TEST(LayerConfig, AProgramsOwnLayerRegistersWithOneLine) {
  register_class<Scale>("Scale");
  Sequential model({keras::Input({3}), Scale({.factor = 3.0, .use_offset = true}), Dense(2)});
  const std::string path = testing::temp_dir() + "/scale.keras";
  model.save(path);
  auto loaded = saving::load_model(path);
  const Tensor x = testing::random_tensor({4, 3}, 3);
  testing::expect_allclose(loaded->predict(x, {.verbose = 0}), model.predict(x, {.verbose = 0}), 0, 0);
  const auto& scale = dynamic_cast<const Scale&>(*loaded->layers().at(0));
  EXPECT_TRUE(options_equal(scale.options(), ScaleOptions{.factor = 3.0, .use_offset = true, .name = scale.name(),
                                                         .dtype = DType::float32}));
}

}  // namespace
}  // namespace keras::layers
