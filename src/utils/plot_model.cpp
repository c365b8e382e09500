// model_to_dot / plot_model, after keras/src/utils/model_visualization.py: the same
// graph attributes, the same HTML-like table per layer, the same edges (through nested
// models when they are expanded). Keras builds a pydot graph and lets pydot run
// Graphviz; here the dot source is written directly and `dot` is run as a process.
#include "keras/utils/plot_model.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "keras/errors.h"
#include "keras/layers/core/input_layer.h"
#include "keras/models/model.h"
#include "keras/models/sequential.h"
#include "keras/utils/file_utils.h"

extern char** environ;

namespace keras::utils {

namespace {

using detail::cat;
using layers::Layer;
using models::Model;

namespace fs = std::filesystem;

/// Text inside an HTML-like label: markup characters as entities, control characters
/// (which Graphviz's XML parser refuses) as spaces.
std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  }
  return out;
}

/// A double-quoted dot string.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += (static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  }
  return out + "\"";
}

/// A model whose graph model_to_dot walks (Keras's Functional and Sequential); null for
/// anything else, which is drawn as one box.
const Model* graph_model(const Layer* layer) {
  const auto* m = dynamic_cast<const Model*>(layer);
  return m && !m->inputs().empty() ? m : nullptr;
}

/// Python's str() of what Keras maps over layer.input / layer.output: one item as is,
/// several as a list.
std::string py_list(const std::vector<std::string>& items) {
  if (items.size() == 1) return items[0];
  std::string s = "[";
  for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
  return s + "]";
}

/// The tensors Keras reads for a layer's shapes and dtype (layer.input / layer.output).
struct LayerIO {
  std::vector<std::string> input_shapes, output_shapes, output_dtypes;
};

/// A model as a layer: its own inputs and outputs (Keras's Functional.input / .output).
/// Another layer: its call in the model being drawn, else its first call still alive
/// (Keras reads the first call, node 0). Nothing when it was never called.
std::optional<LayerIO> layer_io(const Layer& layer, const Model& drawn) {
  LayerIO io;
  if (const Model* m = graph_model(&layer)) {
    for (const auto& t : m->inputs()) io.input_shapes.push_back(t.shape.to_string());
    for (const auto& t : m->outputs()) {
      io.output_shapes.push_back(t.shape.to_string());
      io.output_dtypes.push_back(std::string(dtype_name(t.dtype)));
    }
    return io;
  }
  const auto nodes = layer.inbound_nodes();
  std::shared_ptr<layers::Node> node;
  for (const auto& [l, index] : drawn.graph_nodes())
    if (l.get() == &layer && static_cast<size_t>(index) < nodes.size() && nodes[static_cast<size_t>(index)]) {
      node = nodes[static_cast<size_t>(index)];
      break;
    }
  for (size_t i = 0; !node && i < nodes.size(); ++i) node = nodes[i];
  if (!node) return std::nullopt;
  for (const auto& t : node->dependencies()) io.input_shapes.push_back(t.shape.to_string());
  for (const auto& s : node->output_shapes) io.output_shapes.push_back(s.to_string());
  for (const auto& d : node->output_dtypes) io.output_dtypes.push_back(std::string(dtype_name(d)));
  return io;
}

/// The name of the layer's activation function, for layers that have one (Keras checks
/// hasattr(layer, "activation")): read from the config's "activation" entry.
std::optional<std::string> activation_name(const Layer& layer) {
  if (dynamic_cast<const Model*>(&layer)) return std::nullopt;
  Config config;
  try {
    config = layer.get_config();
  } catch (const std::exception&) {
    return std::nullopt;  // e.g. a custom activation nobody registered: no name to show
  }
  if (!config.is_object()) return std::nullopt;
  const auto it = config.find("activation");
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object()) {  // a registered custom function: {"class_name": "function", "config": name}
    const auto c = it->find("config");
    if (c != it->end() && c->is_string()) return c->get<std::string>();
    const auto n = it->find("class_name");
    if (n != it->end() && n->is_string()) return n->get<std::string>();
  }
  return std::nullopt;
}

class DotWriter {
 public:
  DotWriter(const PlotModelOptions& o, bool show_names) : o_(o), show_names_(show_names) {}

  /// Keras's model_to_dot(model, subgraph=...): the nodes of `model` (clusters for the
  /// nested models when expanding) and then its edges.
  void add_model(const Model& model, bool subgraph, int depth) {
    const std::string pad(static_cast<size_t>(depth) * 2, ' ');
    if (subgraph) {
      std::string cluster = "cluster_" + model.name();
      for (int k = 2; !clusters_.insert(cluster).second; ++k) cluster = cat("cluster_", model.name(), "_", k);
      out_ << pad << "subgraph " << quoted(cluster) << " {\n";
      out_ << pad << "  style=dashed;\n" << pad << "  label=" << quoted(model.name()) << ";\n";
      out_ << pad << "  labeljust=l;\n";
    }
    const std::string inner(static_cast<size_t>(depth + (subgraph ? 1 : 0)) * 2, ' ');
    const auto* seq = dynamic_cast<const models::Sequential*>(&model);
    const auto layers = seq ? seq->layers() : model.operations();
    for (const auto& layer : layers) {
      const Model* nested = graph_model(layer.get());
      if (o_.expand_nested && nested) {
        add_model(*nested, true, depth + (subgraph ? 1 : 0));
      } else {
        out_ << inner << id(layer.get()) << " [label=" << label(*layer, model)
             << ", fontname=Helvetica, border=0, margin=0];\n";
      }
    }
    add_edges(model, layers, seq != nullptr, inner);
    if (subgraph) out_ << pad << "}\n";
  }

  std::string str() const { return out_.str(); }

 private:
  const std::string& id(const Layer* layer) {
    auto [it, fresh] = ids_.emplace(layer, "");
    if (fresh) it->second = std::to_string(ids_.size());
    return it->second;
  }

  void add_edge(const Layer* src, const Layer* dst, const std::string& pad) {
    const std::string& a = id(src);
    const std::string& b = id(dst);
    if (edges_.insert({a, b}).second) out_ << pad << a << " -> " << b << " [penwidth=2];\n";
  }

  void add_edges(const Model& model, std::vector<std::shared_ptr<Layer>> layers, bool sequential,
                 const std::string& pad) {
    if (sequential) {
      if (!o_.expand_nested) {  // a plain chain, without the InputLayer box
        for (size_t i = 0; i + 1 < layers.size(); ++i) add_edge(layers[i].get(), layers[i + 1].get(), pad);
        return;
      }
      // The first layer's input comes from the InputLayer, which is not drawn; the edge
      // into the model from outside is drawn by the enclosing model.
      if (!layers.empty()) layers.erase(layers.begin());
    }
    std::set<std::pair<const Layer*, int>> in_graph;
    for (const auto& [l, index] : model.graph_nodes()) in_graph.insert({l.get(), index});
    for (const auto& layer : layers) {
      const auto nodes = layer->inbound_nodes();
      for (size_t n = 0; n < nodes.size(); ++n) {
        if (!nodes[n] || !in_graph.count({layer.get(), static_cast<int>(n)})) continue;  // another model's call
        const auto inputs = nodes[n]->dependencies();
        for (size_t input_index = 0; input_index < inputs.size(); ++input_index) {
          const layers::KerasTensor& t = inputs[input_index];
          if (!t.layer) continue;
          const Layer* source = t.layer.get();
          const Layer* destination = layer.get();
          if (o_.expand_nested) {
            // Into a nested model's box that makes the output read ...
            size_t output_index = static_cast<size_t>(t.tensor_index);
            while (const Model* m = graph_model(source)) {
              if (output_index >= m->outputs().size()) break;
              const auto& out = m->outputs()[output_index];
              source = out.layer.get();
              output_index = static_cast<size_t>(out.tensor_index);
            }
            // ... and to the box that takes the input: a Functional's InputLayer, a
            // Sequential's first layer.
            while (const Model* m = graph_model(destination)) {
              if (const auto* s = dynamic_cast<const models::Sequential*>(m)) {
                const auto inner = s->layers();
                if (inner.empty()) break;
                destination = inner.front().get();
              } else {
                if (input_index >= m->inputs().size()) break;
                destination = m->inputs()[input_index].layer.get();
              }
            }
          }
          add_edge(source, destination, pad);
        }
      }
    }
  }

  /// Keras's make_layer_label.
  std::string label(const Layer& layer, const Model& drawn) const {
    const std::string& class_name = layer.class_name();
    const int colspan = std::max(1, int(o_.show_dtype) + int(o_.show_trainable) + (o_.show_shapes ? 2 : 0));
    std::ostringstream s;
    s << "<<table border=\"0\" cellborder=\"1\" bgcolor=\"black\" cellpadding=\"10\">";
    s << "<tr><td colspan=\"" << colspan << "\" bgcolor=\"black\"><font point-size=\"16\" color=\"white\">";
    if (show_names_) s << "<b>" << html_escape(layer.name()) << "</b> (" << html_escape(class_name) << ")";
    else s << "<b>" << html_escape(class_name) << "</b>";
    s << "</font></td></tr>";
    if (o_.show_layer_activations) {
      if (const auto act = activation_name(layer))
        s << "<tr><td bgcolor=\"white\" colspan=\"" << colspan << "\"><font point-size=\"14\">Activation: <b>"
          << html_escape(*act) << "</b></font></td></tr>";
    }
    std::string cols;
    const std::optional<LayerIO> io = (o_.show_shapes || o_.show_dtype) ? layer_io(layer, drawn) : std::nullopt;
    auto cell = [](const std::string& what, const std::string& value) {
      return "<td bgcolor=\"white\"><font point-size=\"14\">" + what + ": <b>" + html_escape(value) +
             "</b></font></td>";
    };
    if (o_.show_shapes) {
      if (!dynamic_cast<const layers::InputLayer*>(&layer))
        cols += cell("Input shape", io ? py_list(io->input_shapes) : "?");
      cols += cell("Output shape", io ? py_list(io->output_shapes) : "?");
    }
    if (o_.show_dtype) {
      // Python's str() of a dtype list quotes the names: ['float32', 'int32'].
      std::vector<std::string> dtypes = io ? io->output_dtypes : std::vector<std::string>{};
      if (dtypes.size() > 1)
        for (auto& d : dtypes) d = "'" + d + "'";
      cols += cell("Output dtype", dtypes.empty() ? "?" : py_list(dtypes));
    }
    if (o_.show_trainable && !layer.weights().empty()) {
      if (layer.trainable())
        cols += "<td bgcolor=\"forestgreen\"><font point-size=\"14\" color=\"white\"><b>Trainable</b></font></td>";
      else cols += "<td bgcolor=\"firebrick\"><font point-size=\"14\" color=\"white\"><b>Non-trainable</b></font></td>";
    }
    if (!cols.empty()) s << "<tr>" << cols << "</tr>";
    s << "</table>>";
    return s.str();
  }

  const PlotModelOptions& o_;
  bool show_names_;
  std::ostringstream out_;
  std::map<const Layer*, std::string> ids_;
  std::set<std::pair<std::string, std::string>> edges_;
  std::set<std::string> clusters_;
};

void check_options(const PlotModelOptions& o) {
  static const std::set<std::string> rankdirs{"TB", "LR", "BT", "RL"};
  static const std::set<std::string> splines{"ortho", "curved", "polyline", "spline", "line", "none", "true", "false"};
  if (!rankdirs.count(o.rankdir))
    throw ValueError(
        cat("model_to_dot: rankdir must be one of \"TB\", \"LR\", \"BT\", \"RL\"; got \"", o.rankdir, "\""));
  if (!splines.count(o.splines))
    throw ValueError(
        cat("model_to_dot: splines must be one of \"ortho\", \"curved\", \"polyline\", \"spline\", "
            "\"line\", \"none\", \"true\", \"false\"; got \"",
            o.splines, "\""));
  if (o.dpi <= 0) throw ValueError(cat("model_to_dot: dpi must be positive; got ", o.dpi));
}

std::string to_dot(const Model& model, const PlotModelOptions& o, bool show_names) {
  if (!model.built())
    throw ValueError(cat("This model (\"", model.name(),
                         "\") has not yet been built. Build the model first by calling `build()` or by calling the "
                         "model on a batch of data."));
  check_options(o);
  DotWriter w(o, show_names);
  std::ostringstream head;
  head << "digraph G {\n"
       << "  rankdir=" << o.rankdir << ";\n"
       << "  concentrate=true;\n"
       << "  dpi=" << o.dpi << ";\n"
       << "  splines=" << o.splines << ";\n"
       << "  node [shape=record];\n";
  w.add_model(model, false, 1);
  return head.str() + w.str() + "}\n";
}

/// `dot` on PATH, or empty.
std::string find_dot() {
  const char* path = std::getenv("PATH");
  if (!path) return {};
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/dot";
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs `dot -T<format> in -o out`; RuntimeError with dot's messages when it fails.
void run_dot(const std::string& dot, const std::string& format, const fs::path& in, const fs::path& out,
             const fs::path& errors) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<std::string> args{dot, "-T" + format, in.string(), "-o", out.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, dot.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw RuntimeError(cat("plot_model: cannot run ", dot, ": ", std::strerror(rc)));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw RuntimeError(cat("plot_model: waiting for ", dot, " failed: ", std::strerror(errno)));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !fs::exists(out)) {
    std::string msg = read_all(errors);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw RuntimeError(cat("plot_model: Graphviz (", dot, " -T", format, ") failed",
                           WIFEXITED(status) ? cat(" with status ", WEXITSTATUS(status)) : std::string(" (killed)"),
                           msg.empty() ? std::string() : ": " + msg));
  }
}

/// A private scratch directory, removed when done.
struct ScratchDir {
  fs::path path;
  ScratchDir() {
    std::string templ = (fs::temp_directory_path() / "keras_plot_XXXXXX").string();
    if (!::mkdtemp(templ.data()))
      throw IOError(cat("plot_model: cannot create a temporary directory in ", fs::temp_directory_path().string(), ": ",
                        std::strerror(errno)));
    path = templ;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
};

}  // namespace

std::string model_to_dot(const Model& model, const PlotModelOptions& options) {
  return to_dot(model, options, options.show_layer_names.value_or(true));
}

void plot_model(const Model& model, const std::string& to_file, const PlotModelOptions& options) {
  static const std::vector<std::string> formats{"png", "svg", "pdf", "jpg", "jpeg", "gif", "ps", "eps", "dot", "gv"};
  if (to_file.empty()) throw ValueError("plot_model: to_file is empty");
  std::string ext = fs::path(to_file).extension().string();
  if (!ext.empty()) ext = ext.substr(1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext.empty()) ext = "png";  // as Keras: no extension draws a PNG
  if (std::find(formats.begin(), formats.end(), ext) == formats.end()) {
    std::string known;
    for (const auto& f : formats) known += (known.empty() ? "." : ", .") + f;
    throw ValueError(cat("plot_model: cannot write \"", to_file, "\": unsupported extension \".", ext,
                         "\". Use one of ", known, "."));
  }
  const std::string source = to_dot(model, options, options.show_layer_names.value_or(false));
  auto write = [](const std::string& path, const std::string& bytes) {
    write_file_atomically(
        path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
  };
  if (ext == "dot" || ext == "gv") {
    write(to_file, source);
    return;
  }
  const std::string dot = find_dot();
  if (dot.empty()) {
    const std::string dot_file = fs::path(to_file).replace_extension(".dot").string();
    write(dot_file, source);
    throw RuntimeError(cat("plot_model: Graphviz is missing (no `dot` program on PATH), so \"", to_file,
                           "\" was not drawn. Install graphviz (e.g. `apt-get install graphviz`; see "
                           "https://graphviz.gitlab.io/download/). The graph's dot source was written to \"",
                           dot_file, "\"; draw it with: dot -T", ext, " \"", dot_file, "\" -o \"", to_file, "\""));
  }
  ScratchDir scratch;
  const fs::path in = scratch.path / "model.dot", out = scratch.path / ("model." + ext);
  write(in.string(), source);
  run_dot(dot, ext, in, out, scratch.path / "dot_messages.txt");
  write(to_file, read_all(out));
}

}  // namespace keras::utils
