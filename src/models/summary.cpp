// model.summary(): Keras 3's table (drawn by the `rich` library there), laid out with
// the column widths Keras uses on an 80-column console.
#include <iostream>
#include <set>
#include <sstream>

#include "keras/models/model.h"

namespace keras::models {

namespace {

std::string with_commas(int64_t n) {
  std::string s = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string readable_size(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  for (const char* u : units) {
    if (bytes / 1024 < 1) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.2f %s", bytes, u);
      return buf;
    }
    bytes /= 1024;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f PB", bytes * 1024);
  return buf;
}

/// Splits `text` into lines of at most `width` characters, at spaces where possible.
std::vector<std::string> wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  std::string rest = text;
  while (rest.size() > width) {
    size_t cut = rest.rfind(' ', width);
    if (cut == std::string::npos || cut == 0) cut = width;
    lines.push_back(rest.substr(0, cut));
    rest = rest.substr(cut == width ? cut : cut + 1);
  }
  lines.push_back(rest);
  return lines;
}

std::string repeat(const char* s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

struct Table {
  std::vector<size_t> widths;   // content widths (a cell adds one space each side)
  std::vector<bool> right;      // right-aligned columns

  std::string border(const char* left, const char* fill, const char* mid, const char* right_end) const {
    std::string s = left;
    for (size_t i = 0; i < widths.size(); ++i) s += repeat(fill, widths[i] + 2) + (i + 1 < widths.size() ? mid : right_end);
    return s + "\n";
  }

  std::string row(const std::vector<std::string>& cells, const char* sep) const {
    std::vector<std::vector<std::string>> wrapped;
    size_t height = 1;
    for (size_t i = 0; i < cells.size(); ++i) {
      wrapped.push_back(wrap(cells[i], widths[i]));
      height = std::max(height, wrapped.back().size());
    }
    std::string s;
    for (size_t line = 0; line < height; ++line) {
      s += sep;
      for (size_t i = 0; i < cells.size(); ++i) {
        const std::string text = line < wrapped[i].size() ? wrapped[i][line] : "";
        const std::string pad(widths[i] - std::min(widths[i], text.size()), ' ');
        s += ' ';
        s += right[i] ? pad + text : text + pad;
        s += ' ';
        s += sep;
      }
      s += "\n";
    }
    return s;
  }
};

std::string output_shape_text(const layers::Layer& l) {
  const auto last = l.last_node();  // as Keras: the layer's last call
  if (!last) return "?";
  const auto& shapes = last->output_shapes;
  if (shapes.size() == 1) return shapes[0].to_string();
  std::string s = "[";
  for (size_t i = 0; i < shapes.size(); ++i) s += (i ? ", " : "") + shapes[i].to_string();
  return s + "]";
}

}  // namespace

bool Model::summary_is_sequential() const {
  // Keras prints a functional model like a Sequential one when its graph is a chain:
  // one input, every layer called once, on the previous layer's output.
  if (inputs_.size() != 1 || outputs_.size() != 1) return false;
  int previous = input_slots_.empty() ? -1 : input_slots_[0];
  std::set<const layers::Layer*> seen;
  for (const auto& step : steps_) {
    if (step.in_slots.size() != 1 || step.out_slots.size() != 1 || step.in_slots[0] != previous) return false;
    if (!seen.insert(step.layer.get()).second) return false;
    previous = step.out_slots[0];
  }
  return true;
}

std::string Model::summary_string() const {
  const auto ls = layers();
  const bool chain = summary_is_sequential();
  std::ostringstream out;
  out << "Model: \"" << name() << "\"\n";
  // Keras: line length min(88 or 108, columns - 4) -> 76 on an 80-column console, split
  // at 45%/80% (or 30%/56%/74% with "Connected to"); rich then fits borders and padding.
  Table t = chain ? Table{{31, 22, 13}, {false, false, true}} : Table{{19, 17, 10, 17}, {false, false, true, false}};
  const char* heads[] = {"Layer (type)", "Output Shape", "Param #", "Connected to"};
  std::vector<std::string> header(heads, heads + t.widths.size());
  out << t.border("┏", "━", "┳", "┓");
  out << t.row(header, "┃");
  out << t.border("┡", "━", "╇", "┩");
  std::set<const layers::Layer*> in_model;
  for (const auto& l : ls) in_model.insert(l.get());
  for (size_t i = 0; i < ls.size(); ++i) {
    const auto& l = *ls[i];
    std::vector<std::string> cells{l.name() + " (" + l.class_name() + ")", output_shape_text(l),
                                   l.built() ? with_commas(l.count_params()) : "0 (unbuilt)"};
    if (!chain) {
      std::string connected;
      for (const auto& node : l.inbound_nodes()) {
        if (!node) continue;  // a call whose graph is gone
        for (const auto& kt : node->inputs) {
          if (!in_model.count(kt.layer.get())) continue;  // a call from another model
          if (!connected.empty()) connected += ", ";
          connected += kt.layer->name() + "[" + std::to_string(kt.node_index) + "][" + std::to_string(kt.tensor_index) + "]";
        }
      }
      cells.push_back(connected.empty() ? "-" : connected);
    }
    out << t.row(cells, "│");
    if (i + 1 < ls.size()) out << t.border("├", "─", "┼", "┤");
  }
  out << t.border("└", "─", "┴", "┘");
  int64_t trainable = 0, non_trainable = 0;
  for (const auto& w : weights()) (w.trainable() ? trainable : non_trainable) += w.shape().num_elements();
  const int64_t opt = optimizer_ && optimizer_->built() ? optimizer_->count_params() : 0;
  const double bytes_per = 4.0;  // float32 weights
  out << " Total params: " << with_commas(trainable + non_trainable + opt) << " ("
      << readable_size(static_cast<double>(trainable + non_trainable + opt) * bytes_per) << ")\n";
  out << " Trainable params: " << with_commas(trainable) << " (" << readable_size(static_cast<double>(trainable) * bytes_per)
      << ")\n";
  out << " Non-trainable params: " << with_commas(non_trainable) << " ("
      << readable_size(static_cast<double>(non_trainable) * bytes_per) << ")\n";
  if (opt)
    out << " Optimizer params: " << with_commas(opt) << " (" << readable_size(static_cast<double>(opt) * bytes_per) << ")\n";
  return out.str();
}

void Model::summary(std::ostream& out) const { out << summary_string() << std::flush; }
void Model::summary() const { summary(std::cout); }

}  // namespace keras::models
