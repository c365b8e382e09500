// keras::utils::model_to_dot / plot_model against keras/src/utils/model_visualization.py:
// the dot source is read back by a small parser written here (nodes, their labels, the
// clusters they sit in, edges, graph attributes), and the labels are compared with the
// tables make_layer_label builds, worked out by hand from that file.
#include "keras/utils/plot_model.h"

#include <sys/wait.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras::utils {
namespace {

using namespace layers;
using models::Model;
using models::Sequential;
using testing::expect_error;

// ---- a tiny dot reader: enough of the grammar for what Graphviz accepts from us

struct DotGraph {
  std::map<std::string, std::string> attrs;                            // graph attributes
  std::map<std::string, std::map<std::string, std::string>> nodes;     // id -> attributes
  std::map<std::string, std::string> cluster_of;                       // node id -> cluster ("" = top)
  std::map<std::string, std::map<std::string, std::string>> clusters;  // cluster -> attributes
  std::vector<std::pair<std::string, std::string>> edges;
  std::map<std::string, std::string> node_defaults;
};

class DotParser {
 public:
  explicit DotParser(const std::string& s) : s_(s) {}

  DotGraph parse() {
    expect_word("digraph");
    std::string name = token();
    if (name != "{") expect("{");
    statements("");
    skip_space();
    EXPECT_EQ(pos_, s_.size()) << "trailing text after the graph";
    return g_;
  }

 private:
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  // identifiers, numbers, "quoted" strings (unescaped), <html> strings (kept with their
  // outer brackets), and the punctuation { } [ ] = ; , ->
  std::string token() {
    skip_space();
    if (pos_ >= s_.size()) throw std::runtime_error("unexpected end of dot source");
    const char c = s_[pos_];
    if (c == '"') {
      std::string out;
      for (++pos_; pos_ < s_.size() && s_[pos_] != '"'; ++pos_) {
        if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
        out += s_[pos_];
      }
      ++pos_;
      return "\"" + out;  // a leading quote marks a quoted string
    }
    if (c == '<') {
      int depth = 0;
      const size_t start = pos_;
      for (; pos_ < s_.size(); ++pos_) {
        if (s_[pos_] == '<') ++depth;
        if (s_[pos_] == '>' && --depth == 0) break;
      }
      if (depth != 0) throw std::runtime_error("unbalanced HTML label");
      ++pos_;
      return s_.substr(start, pos_ - start);
    }
    if (s_.compare(pos_, 2, "->") == 0) {
      pos_ += 2;
      return "->";
    }
    if (std::string("{}[]=;,").find(c) != std::string::npos) return std::string(1, s_[pos_++]);
    const size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' || s_[pos_] == '.'))
      ++pos_;
    if (start == pos_) throw std::runtime_error(std::string("unexpected character '") + c + "'");
    return s_.substr(start, pos_ - start);
  }
  std::string peek() {
    const size_t save = pos_;
    std::string t = token();
    pos_ = save;
    return t;
  }
  void expect(const std::string& t) {
    const std::string got = token();
    if (got != t) throw std::runtime_error("expected " + t + ", got " + got);
  }
  void expect_word(const std::string& t) { expect(t); }
  static std::string unquote(const std::string& t) { return !t.empty() && t[0] == '"' ? t.substr(1) : t; }

  std::map<std::string, std::string> attr_list() {
    std::map<std::string, std::string> out;
    expect("[");
    while (peek() != "]") {
      const std::string key = token();
      expect("=");
      out[key] = unquote(token());
      if (peek() == ",") token();
    }
    expect("]");
    return out;
  }

  void statements(const std::string& cluster) {
    while (true) {
      const std::string t = token();
      if (t == "}") return;
      if (t == ";") continue;
      if (t == "subgraph") {
        const std::string name = unquote(token());
        expect("{");
        g_.clusters[name];
        statements(name);
        continue;
      }
      if (t == "node") {
        g_.node_defaults = attr_list();
        continue;
      }
      const std::string next = peek();
      if (next == "=") {  // a graph (or cluster) attribute
        token();
        auto& attrs = cluster.empty() ? g_.attrs : g_.clusters[cluster];
        attrs[t] = unquote(token());
      } else if (next == "->") {
        token();
        const std::string to = unquote(token());
        g_.edges.push_back({unquote(t), to});
        if (peek() == "[") attr_list();
      } else {
        const std::string id = unquote(t);
        EXPECT_FALSE(g_.nodes.count(id)) << "node " << id << " declared twice";
        g_.nodes[id] = peek() == "[" ? attr_list() : std::map<std::string, std::string>{};
        g_.cluster_of[id] = cluster;
      }
    }
  }

  const std::string& s_;
  size_t pos_ = 0;
  DotGraph g_;
};

DotGraph parse_dot(const std::string& s) { return DotParser(s).parse(); }

std::string unescape_html(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t end = s.find(';', i);
    const std::string entity = s.substr(i + 1, end - i - 1);
    if (entity == "amp") out += '&';
    else if (entity == "lt") out += '<';
    else if (entity == "gt") out += '>';
    else if (entity == "quot") out += '"';
    else if (entity == "#39") out += '\'';
    else ADD_FAILURE() << "unknown entity &" << entity << ";";
    i = end;
  }
  return out;
}

/// The first bold text of a label: the layer name (or the class name without names).
std::string title(const std::string& label) {
  const size_t a = label.find("<b>"), b = label.find("</b>");
  if (a == std::string::npos || b == std::string::npos) return "";
  return unescape_html(label.substr(a + 3, b - a - 3));
}

/// Layer name -> node id, and the edges as (source name, destination name).
struct Named {
  std::map<std::string, std::string> id;
  std::map<std::string, std::string> label;
  std::set<std::pair<std::string, std::string>> edges;
};

Named by_name(const DotGraph& g) {
  Named n;
  std::map<std::string, std::string> name_of;
  for (const auto& [id, attrs] : g.nodes) {
    const std::string name = title(attrs.at("label"));
    EXPECT_FALSE(n.id.count(name)) << "two boxes titled " << name;
    n.id[name] = id;
    n.label[name] = attrs.at("label");
    name_of[id] = name;
  }
  for (const auto& [a, b] : g.edges) {
    EXPECT_TRUE(name_of.count(a) && name_of.count(b)) << "edge " << a << " -> " << b << " to an undeclared node";
    EXPECT_TRUE(n.edges.insert({name_of[a], name_of[b]}).second) << "edge drawn twice";
  }
  return n;
}

using Edges = std::set<std::pair<std::string, std::string>>;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// make_layer_label's cells (keras/src/utils/model_visualization.py).
const std::string kTable = R"(<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">)";
std::string head(int colspan, const std::string& name, const std::string& cls) {
  return "<tr><td colspan=\"" + std::to_string(colspan) +
         R"(" bgcolor="black"><font point-size="16" color="white"><b>)" + name + "</b> (" + cls + ")</font></td></tr>";
}
std::string cell(const std::string& what, const std::string& value) {
  return R"(<td bgcolor="white"><font point-size="14">)" + what + ": <b>" + value + "</b></font></td>";
}

Sequential seed_cnn() {
  return Sequential({
      Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = Shape{28, 28, 1}}),
      MaxPooling2D(),
      Flatten(),
      Dense(128, "relu"),
      Dense(10, "softmax"),
  });
}

/// Two inputs, two outputs, one Dense shared by both inputs.
Model multi_input() {
  auto a = Input({4}, {.batch_size = {}, .dtype = DType::float32, .name = "left"});
  auto b = Input({4}, {.batch_size = {}, .dtype = DType::float32, .name = "right"});
  LayerHandle shared = Dense(8, "relu", {.name = "shared"});
  auto ha = shared(a);
  auto hb = shared(b);
  auto joined = Concatenate({.name = "joined"})({ha, hb});
  auto score = Dense(1, "sigmoid", {.name = "score"})(joined);
  auto kind = Dense(3, "softmax", {.name = "kind"})(hb);
  return Model({a, b}, {score, kind}, "multi_input");
}

/// A functional model and a Sequential inside a functional model.
Model nested() {
  auto ei = Input({6}, {.batch_size = {}, .dtype = DType::float32, .name = "enc_in"});
  auto eh = Dense(4, "relu", {.name = "enc_dense"})(ei);
  auto eo = Dense(2, {.name = "enc_out"})(eh);
  LayerHandle encoder = Model(ei, eo, "encoder");
  LayerHandle head = Sequential({Dense(3, "tanh", {.name = "head_dense"}), Dense(1, {.name = "head_out"})}, "head");
  auto x = Input({6}, {.batch_size = {}, .dtype = DType::float32, .name = "x"});
  auto y = head(encoder(x));
  return Model(x, y, "outer");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

uint32_t be32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

/// PNG: the 8-byte signature, then the IHDR chunk (length 13) with a positive size.
void expect_png(const std::string& path) {
  const std::string bytes = read_file(path);
  ASSERT_GT(bytes.size(), 33u) << path;
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << path;
  EXPECT_EQ(be32(bytes, 8), 13u);
  EXPECT_EQ(bytes.substr(12, 4), "IHDR");
  EXPECT_GT(be32(bytes, 16), 0u);  // width
  EXPECT_GT(be32(bytes, 20), 0u);  // height
  EXPECT_EQ(bytes.substr(bytes.size() - 8, 4), "IEND");
}

void require_graphviz() {
  ASSERT_EQ(std::system("command -v dot > /dev/null 2>&1"), 0)
      << "Graphviz's `dot` is not on PATH: install the graphviz package (scripts/install_deps.sh)";
}

TEST(PlotModel, SeedCnnNodesEdgesAndGraphAttributes) {
  clear_session();
  Sequential model = seed_cnn();
  const DotGraph g = parse_dot(model_to_dot(model));
  // model_to_dot's graph: rankdir, concentrate, dpi, splines; record nodes.
  EXPECT_EQ(g.attrs.at("rankdir"), "TB");
  EXPECT_EQ(g.attrs.at("dpi"), "200");
  EXPECT_EQ(g.attrs.at("splines"), "ortho");
  EXPECT_EQ(g.attrs.at("concentrate"), "true");
  EXPECT_EQ(g.node_defaults.at("shape"), "record");
  const Named n = by_name(g);
  // A Sequential is drawn without its InputLayer, as a chain of model.layers.
  EXPECT_EQ(n.id.size(), 5u);
  EXPECT_EQ(
      n.edges,
      (Edges{{"conv2d", "max_pooling2d"}, {"max_pooling2d", "flatten"}, {"flatten", "dense"}, {"dense", "dense_1"}}));
  for (const auto& [id, attrs] : g.nodes) {
    EXPECT_EQ(attrs.at("fontname"), "Helvetica");
    EXPECT_EQ(attrs.at("border"), "0");
    EXPECT_EQ(attrs.at("margin"), "0");
  }
  // Default label: "<b>name</b> (Class)" alone, colspan 1.
  EXPECT_EQ(n.label.at("conv2d"), kTable + head(1, "conv2d", "Conv2D") + "</table>>");
  EXPECT_EQ(n.label.at("dense_1"), kTable + head(1, "dense_1", "Dense") + "</table>>");

  // rankdir and dpi go through; bad values are refused.
  const DotGraph lr = parse_dot(model_to_dot(model, {.rankdir = "LR", .dpi = 96}));
  EXPECT_EQ(lr.attrs.at("rankdir"), "LR");
  EXPECT_EQ(lr.attrs.at("dpi"), "96");
  EXPECT_EQ(parse_dot(model_to_dot(model, {.splines = "curved"})).attrs.at("splines"), "curved");
  expect_error<ValueError>([&] { model_to_dot(model, {.rankdir = "sideways"}); }, {"rankdir", "sideways"});
  expect_error<ValueError>([&] { model_to_dot(model, {.dpi = 0}); }, {"dpi", "0"});
  expect_error<ValueError>([&] { model_to_dot(model, {.splines = "wiggly"}); }, {"splines", "wiggly"});

  // Without names the title is the class name only.
  std::multiset<std::string> titles;
  std::string conv_label;
  for (const auto& [id, attrs] : parse_dot(model_to_dot(model, {.show_layer_names = false})).nodes) {
    titles.insert(title(attrs.at("label")));
    if (title(attrs.at("label")) == "Conv2D") conv_label = attrs.at("label");
  }
  EXPECT_EQ(titles, (std::multiset<std::string>{"Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense"}));
  EXPECT_EQ(conv_label, kTable + R"(<tr><td colspan="1" bgcolor="black"><font point-size="16" )"
                                 R"(color="white"><b>Conv2D</b></font></td></tr></table>>)");
}

TEST(PlotModel, SeedCnnShapesDtypesActivationsTrainable) {
  clear_session();
  Sequential model = seed_cnn();
  {
    const Named n = by_name(parse_dot(model_to_dot(model, {.show_shapes = true})));
    // show_shapes: colspan 2, an Input shape and an Output shape cell.
    EXPECT_EQ(n.label.at("conv2d"), kTable + head(2, "conv2d", "Conv2D") + "<tr>" +
                                        cell("Input shape", "(None, 28, 28, 1)") +
                                        cell("Output shape", "(None, 26, 26, 32)") + "</tr></table>>");
    EXPECT_TRUE(contains(n.label.at("max_pooling2d"), cell("Output shape", "(None, 13, 13, 32)")));
    EXPECT_TRUE(contains(n.label.at("flatten"), cell("Input shape", "(None, 13, 13, 32)")));
    EXPECT_TRUE(contains(n.label.at("flatten"), cell("Output shape", "(None, 5408)")));
    EXPECT_TRUE(contains(n.label.at("dense"), cell("Output shape", "(None, 128)")));
    EXPECT_TRUE(contains(n.label.at("dense_1"), cell("Input shape", "(None, 128)")));
    EXPECT_TRUE(contains(n.label.at("dense_1"), cell("Output shape", "(None, 10)")));
  }
  model.get_layer("dense_1")->set_trainable(false);
  const Named n = by_name(parse_dot(model_to_dot(
      model, {.show_shapes = true, .show_dtype = true, .show_layer_activations = true, .show_trainable = true})));
  // colspan = shapes (2) + dtype (1) + trainable (1); the activation row spans them all.
  const std::string act_row = R"(<tr><td bgcolor="white" colspan="4"><font point-size="14">Activation: <b>)";
  EXPECT_EQ(n.label.at("conv2d"),
            kTable + head(4, "conv2d", "Conv2D") + act_row + "relu</b></font></td></tr><tr>" +
                cell("Input shape", "(None, 28, 28, 1)") + cell("Output shape", "(None, 26, 26, 32)") +
                cell("Output dtype", "float32") +
                R"(<td bgcolor="forestgreen"><font point-size="14" color="white"><b>Trainable</b></font></td>)" +
                "</tr></table>>");
  EXPECT_TRUE(contains(n.label.at("dense"), act_row + "relu</b>"));
  EXPECT_TRUE(contains(n.label.at("dense_1"), act_row + "softmax</b>"));
  EXPECT_TRUE(contains(n.label.at("dense_1"), R"(<td bgcolor="firebrick"><font point-size="14" color="white">)"
                                              "<b>Non-trainable</b></font></td>"));
  // No activation attribute, no weights: no activation row, no trainable cell.
  for (const char* name : {"max_pooling2d", "flatten"}) {
    EXPECT_FALSE(contains(n.label.at(name), "Activation")) << name;
    EXPECT_FALSE(contains(n.label.at(name), "rainable")) << name;
    EXPECT_TRUE(contains(n.label.at(name), cell("Output dtype", "float32"))) << name;
  }
}

TEST(PlotModel, FunctionalMultiInputOutputSharedLayer) {
  clear_session();
  Model model = multi_input();
  // The shared layer used again in another model: that call is not part of this graph.
  auto other_in = Input({4}, {.batch_size = {}, .dtype = DType::float32, .name = "other_in"});
  Model other(other_in, LayerHandle(model.get_layer("shared"))(other_in), "other");

  const Named n = by_name(parse_dot(model_to_dot(model, {.show_shapes = true, .show_dtype = true})));
  // A functional model draws its InputLayers; one box per layer, however often it is called.
  EXPECT_EQ(n.id.size(), 6u);
  EXPECT_FALSE(n.id.count("other_in"));
  EXPECT_EQ(n.edges, (Edges{{"left", "shared"},
                            {"right", "shared"},
                            {"shared", "joined"},  // both of joined's inputs: one edge
                            {"shared", "kind"},
                            {"joined", "score"}}));
  // An InputLayer has no Input shape cell (but the header still spans shapes + dtype).
  EXPECT_EQ(n.label.at("left"), kTable + head(3, "left", "InputLayer") + "<tr>" + cell("Output shape", "(None, 4)") +
                                    cell("Output dtype", "float32") + "</tr></table>>");
  // Several inputs print as a list; a shared layer shows its first call.
  EXPECT_TRUE(contains(n.label.at("joined"), cell("Input shape", "[(None, 8), (None, 8)]")));
  EXPECT_TRUE(contains(n.label.at("joined"), cell("Output shape", "(None, 16)")));
  EXPECT_TRUE(contains(n.label.at("shared"), cell("Input shape", "(None, 4)")));
  EXPECT_TRUE(contains(n.label.at("shared"), cell("Output shape", "(None, 8)")));
  EXPECT_TRUE(contains(n.label.at("kind"), cell("Output shape", "(None, 3)")));

  // The other model sees only its own call of the shared layer.
  const Named o = by_name(parse_dot(model_to_dot(other)));
  EXPECT_EQ(o.edges, (Edges{{"other_in", "shared"}}));
}

TEST(PlotModel, SeveralOutputsStatesAndDtypes) {
  clear_session();
  // Keras's layer.input is every tensor of the call (initial states too), layer.output a
  // list when there are several: Python prints both as lists.
  auto src = Input({6, 3}, {.batch_size = {}, .dtype = DType::float32, .name = "src"});
  auto tgt = Input({4, 2}, {.batch_size = {}, .dtype = DType::float32, .name = "tgt"});
  auto enc = LSTM(5, {.return_state = true, .name = "enc"})(src);
  auto dec = LSTM(5, {.return_sequences = true, .name = "dec"})(
      tgt, CallArgs{.mask = std::nullopt, .initial_state = {enc[1], enc[2]}});
  Model seq2seq({src, tgt}, dec);
  const Named n = by_name(
      parse_dot(model_to_dot(seq2seq, {.show_shapes = true, .show_dtype = true, .show_layer_activations = true})));
  EXPECT_EQ(n.edges, (Edges{{"src", "enc"}, {"tgt", "dec"}, {"enc", "dec"}}));
  EXPECT_TRUE(contains(n.label.at("enc"), cell("Output shape", "[(None, 5), (None, 5), (None, 5)]")));
  EXPECT_TRUE(contains(n.label.at("enc"), cell("Output dtype", "['float32', 'float32', 'float32']")));
  EXPECT_TRUE(contains(n.label.at("dec"), cell("Input shape", "[(None, 4, 2), (None, 5), (None, 5)]")));
  EXPECT_TRUE(contains(n.label.at("dec"), cell("Output shape", "(None, 4, 5)")));
  EXPECT_TRUE(contains(n.label.at("dec"), "Activation: <b>tanh</b>"));
  EXPECT_FALSE(contains(n.label.at("src"), "Activation"));

  auto ids = Input({8}, {.batch_size = {}, .dtype = DType::int32, .name = "ids"});
  Model embed(ids, Embedding(10, 4, {.name = "embed"})(ids));
  const Named e = by_name(parse_dot(model_to_dot(embed, {.show_dtype = true})));
  EXPECT_TRUE(contains(e.label.at("ids"), cell("Output dtype", "int32")));
  EXPECT_TRUE(contains(e.label.at("embed"), cell("Output dtype", "float32")));
  EXPECT_EQ(e.edges, (Edges{{"ids", "embed"}}));
}

TEST(PlotModel, NestedModels) {
  clear_session();
  Model model = nested();
  {
    // Collapsed: each nested model is one box, titled with its class (Functional, Sequential).
    const DotGraph g = parse_dot(model_to_dot(model, {.show_shapes = true}));
    EXPECT_TRUE(g.clusters.empty());
    const Named n = by_name(g);
    EXPECT_EQ(n.id.size(), 3u);
    EXPECT_EQ(n.edges, (Edges{{"x", "encoder"}, {"encoder", "head"}}));
    EXPECT_TRUE(contains(n.label.at("encoder"), head(2, "encoder", "Functional")));
    EXPECT_TRUE(contains(n.label.at("encoder"), cell("Input shape", "(None, 6)")));
    EXPECT_TRUE(contains(n.label.at("encoder"), cell("Output shape", "(None, 2)")));
    EXPECT_TRUE(contains(n.label.at("head"), head(2, "head", "Sequential")));
    EXPECT_TRUE(contains(n.label.at("head"), cell("Output shape", "(None, 1)")));
  }
  // Expanded: dashed clusters labelled with the model's name; the edges go into the
  // functional model's InputLayer and the Sequential's first layer, and out of the
  // layers making their outputs. The Sequential's InputLayer is not drawn.
  const DotGraph g = parse_dot(model_to_dot(model, {.expand_nested = true}));
  ASSERT_EQ(g.clusters.size(), 2u);
  for (const char* name : {"encoder", "head"}) {
    const auto& c = g.clusters.at(std::string("cluster_") + name);
    EXPECT_EQ(c.at("label"), name);
    EXPECT_EQ(c.at("style"), "dashed");
    EXPECT_EQ(c.at("labeljust"), "l");
  }
  const Named n = by_name(g);
  EXPECT_EQ(n.id.size(), 6u);
  EXPECT_FALSE(n.id.count("encoder") || n.id.count("head"));
  EXPECT_EQ(g.cluster_of.at(n.id.at("x")), "");
  for (const char* name : {"enc_in", "enc_dense", "enc_out"})
    EXPECT_EQ(g.cluster_of.at(n.id.at(name)), "cluster_encoder");
  for (const char* name : {"head_dense", "head_out"}) EXPECT_EQ(g.cluster_of.at(n.id.at(name)), "cluster_head");
  EXPECT_EQ(n.edges, (Edges{{"x", "enc_in"},
                            {"enc_in", "enc_dense"},
                            {"enc_dense", "enc_out"},
                            {"enc_out", "head_dense"},
                            {"head_dense", "head_out"}}));

  // The nested models drawn on their own.
  const Named enc = by_name(parse_dot(model_to_dot(*std::dynamic_pointer_cast<Model>(model.get_layer("encoder")))));
  EXPECT_EQ(enc.edges, (Edges{{"enc_in", "enc_dense"}, {"enc_dense", "enc_out"}}));
}

TEST(PlotModel, NestedSequentialInsideSequential) {
  clear_session();
  LayerHandle inner = Sequential({Dense(3, {.name = "a"}), Dense(2, {.name = "b"})}, "inner");
  Sequential outer({Input({5}), Dense(4, {.name = "first"}), inner, Dense(1, {.name = "last"})}, "outer");
  EXPECT_EQ(by_name(parse_dot(model_to_dot(outer))).edges, (Edges{{"first", "inner"}, {"inner", "last"}}));
  const DotGraph g = parse_dot(model_to_dot(outer, {.expand_nested = true}));
  const Named n = by_name(g);
  EXPECT_EQ(n.edges, (Edges{{"first", "a"}, {"a", "b"}, {"b", "last"}}));
  EXPECT_EQ(g.cluster_of.at(n.id.at("a")), "cluster_inner");
}

TEST(PlotModel, EscapesNamesAndRefusesUnbuiltModels) {
  clear_session();
  const std::string odd = "a<b>&\"c\"'d";
  auto x = Input({3}, {.batch_size = {}, .dtype = DType::float32, .name = "in"});
  auto inner_in = Input({3}, {.batch_size = {}, .dtype = DType::float32, .name = "inner_in"});
  LayerHandle inner = Model(inner_in, Dense(2, {.name = "inner_dense"})(inner_in), "quote\"back\\slash");
  Model model(x, Dense(1, {.name = odd})(inner(x)), "escapes");
  const std::string dot = model_to_dot(model, {.expand_nested = true});
  EXPECT_TRUE(contains(dot, "<b>a&lt;b&gt;&amp;&quot;c&quot;'d</b>")) << dot;
  const DotGraph g = parse_dot(dot);
  const Named n = by_name(g);
  ASSERT_TRUE(n.id.count(odd));  // the parser's unescaping gives the name back
  EXPECT_EQ(n.edges, (Edges{{"in", "inner_in"}, {"inner_in", "inner_dense"}, {"inner_dense", odd}}));
  EXPECT_EQ(g.clusters.at("cluster_quote\"back\\slash").at("label"), "quote\"back\\slash");
  // Graphviz reads it: the name comes out as SVG text.
  require_graphviz();
  const std::string svg_path = testing::temp_dir() + "/escapes.svg";
  plot_model(model, svg_path, {.show_layer_names = true, .expand_nested = true});
  const std::string svg = read_file(svg_path);
  EXPECT_TRUE(contains(svg, "a&lt;b&gt;&amp;")) << svg;
  EXPECT_TRUE(contains(svg, "slash")) << svg;

  Sequential unbuilt({Dense(2)});
  expect_error<ValueError>([&] { model_to_dot(unbuilt); }, {"not yet been built"});
  expect_error<ValueError>([&] { plot_model(unbuilt, testing::temp_dir() + "/unbuilt.png"); }, {"not yet been built"});
}

TEST(PlotModel, RendersPngSvgPdfAndDot) {
  require_graphviz();
  clear_session();
  Sequential cnn = seed_cnn();
  Model multi = multi_input();
  Model nest = nested();
  const std::string dir = testing::temp_dir();
  plot_model(cnn, dir + "/seed_cnn.png", {.show_shapes = true});
  expect_png(dir + "/seed_cnn.png");
  plot_model(multi, dir + "/multi.png", {.show_shapes = true, .show_dtype = true, .show_layer_names = true});
  expect_png(dir + "/multi.png");
  plot_model(nest, dir + "/nested.png",
             {.show_layer_names = true, .rankdir = "LR", .expand_nested = true, .dpi = 72, .show_trainable = true});
  expect_png(dir + "/nested.png");

  plot_model(cnn, dir + "/seed_cnn.svg");
  const std::string svg = read_file(dir + "/seed_cnn.svg");
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_TRUE(contains(svg, "<svg") && contains(svg, "</svg>"));
  // plot_model's default leaves the layer names out (Keras: show_layer_names=False).
  EXPECT_TRUE(contains(svg, ">Conv2D<"));
  EXPECT_FALSE(contains(svg, ">conv2d<"));

  plot_model(cnn, dir + "/seed_cnn.pdf");
  EXPECT_EQ(read_file(dir + "/seed_cnn.pdf").rfind("%PDF-", 0), 0u);

  // .dot writes the source itself: model_to_dot with plot_model's defaults.
  plot_model(multi, dir + "/multi.dot", {.show_shapes = true});
  EXPECT_EQ(read_file(dir + "/multi.dot"), model_to_dot(multi, {.show_shapes = true, .show_layer_names = false}));
  // No extension: a PNG, as Keras.
  plot_model(cnn, dir + "/noext");
  expect_png(dir + "/noext");
}

TEST(PlotModel, FileErrors) {
  require_graphviz();
  clear_session();
  Sequential cnn = seed_cnn();
  const std::string dir = testing::temp_dir();
  expect_error<ValueError>([&] { plot_model(cnn, dir + "/model.bmpx"); },
                           {"model.bmpx", "unsupported extension", ".bmpx", ".png", ".svg"});
  expect_error<IOError>([&] { plot_model(cnn, "/nonexistent_dir/sub/model.png"); }, {"/nonexistent_dir/sub"});
  expect_error<IOError>([&] { plot_model(cnn, "/nonexistent_dir/sub/model.dot"); }, {"/nonexistent_dir/sub"});
  expect_error<ValueError>([&] { plot_model(cnn, ""); }, {"to_file"});

  // Without Graphviz: the dot source lands beside the image and the error says where.
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  const std::string empty_bin = dir + "/empty_bin";
  std::filesystem::create_directories(empty_bin);
  ::setenv("PATH", empty_bin.c_str(), 1);
  std::filesystem::remove(dir + "/nodot.dot");
  bool threw = false;
  try {
    plot_model(cnn, dir + "/nodot.png");
  } catch (const RuntimeError& e) {
    threw = true;
    EXPECT_TRUE(contains(e.what(), "Graphviz is missing")) << e.what();
    EXPECT_TRUE(contains(e.what(), dir + "/nodot.dot")) << e.what();
  }
  ::setenv("PATH", path.c_str(), 1);
  EXPECT_TRUE(threw);
  EXPECT_EQ(read_file(dir + "/nodot.dot"), model_to_dot(cnn, {.show_layer_names = false}));
  EXPECT_FALSE(std::filesystem::exists(dir + "/nodot.png"));

  // A Graphviz that fails: its messages and exit status in the error, no file written.
  const std::string fake_bin = dir + "/fake_bin";
  std::filesystem::create_directories(fake_bin);
  {
    std::ofstream fake(fake_bin + "/dot");
    fake << "#!/bin/sh\necho 'Error: syntax trouble near line 3' >&2\nexit 3\n";
  }
  std::filesystem::permissions(fake_bin + "/dot", std::filesystem::perms::owner_all);
  ::setenv("PATH", (fake_bin + ":" + path).c_str(), 1);
  threw = false;
  try {
    plot_model(cnn, dir + "/failed.png");
  } catch (const RuntimeError& e) {
    threw = true;
    EXPECT_TRUE(contains(e.what(), "syntax trouble near line 3")) << e.what();
    EXPECT_TRUE(contains(e.what(), "status 3")) << e.what();
  }
  ::setenv("PATH", path.c_str(), 1);
  EXPECT_TRUE(threw);
  EXPECT_FALSE(std::filesystem::exists(dir + "/failed.png"));
}

TEST(PlotModel, KerascppPlot) {
  require_graphviz();
  clear_session();
  const std::string dir = testing::temp_dir();
  Model model = nested();
  model.save(dir + "/nested_for_plot.keras");
  const std::string tool = KERASCPP_PATH;
  auto run = [&](const std::string& args) {
    const int rc = std::system((tool + " " + args + " > " + dir + "/plot_out.txt 2>&1").c_str());
    return std::pair{WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, read_file(dir + "/plot_out.txt")};
  };
  auto [rc, out] = run("plot " + dir + "/nested_for_plot.keras " + dir + "/cli.png --show-shapes --expand-nested");
  ASSERT_EQ(rc, 0) << out;
  expect_png(dir + "/cli.png");
  std::tie(rc, out) = run("plot " + dir + "/nested_for_plot.keras " + dir +
                          "/cli.dot --show-shapes --show-dtype --show-layer-names --rankdir LR --dpi 50 "
                          "--expand-nested --show-layer-activations --show-trainable --splines polyline");
  ASSERT_EQ(rc, 0) << out;
  const DotGraph g = parse_dot(read_file(dir + "/cli.dot"));
  EXPECT_EQ(g.attrs.at("rankdir"), "LR");
  EXPECT_EQ(g.attrs.at("dpi"), "50");
  EXPECT_EQ(g.attrs.at("splines"), "polyline");
  const Named n = by_name(g);
  EXPECT_EQ(n.edges.size(), 5u);
  EXPECT_TRUE(contains(n.label.at("enc_dense"), "Activation: <b>relu</b>"));
  EXPECT_TRUE(contains(n.label.at("enc_dense"), cell("Output shape", "(None, 4)")));
  EXPECT_TRUE(contains(n.label.at("enc_dense"), ">Trainable<"));

  std::tie(rc, out) = run("plot " + dir + "/nested_for_plot.keras " + dir + "/cli.png --dpi zero");
  EXPECT_EQ(rc, 2);
  EXPECT_TRUE(contains(out, "--dpi")) << out;
  std::tie(rc, out) = run("plot " + dir + "/nested_for_plot.keras " + dir + "/cli.png --wobbly");
  EXPECT_EQ(rc, 2);
  EXPECT_TRUE(contains(out, "--wobbly")) << out;
  std::tie(rc, out) = run("plot " + dir + "/nested_for_plot.keras " + dir + "/cli.tiff");
  EXPECT_EQ(rc, 1);
  EXPECT_TRUE(contains(out, "unsupported extension")) << out;
  std::tie(rc, out) = run("--help");
  EXPECT_TRUE(contains(out, "kerascpp plot MODEL")) << out;
}

}  // namespace
}  // namespace keras::utils
