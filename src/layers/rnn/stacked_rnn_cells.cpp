#include "keras/layers/rnn/stacked_rnn_cells.h"

#include <map>

#include "keras/layers/layer_config.h"
#include "keras/layers/registry.h"

namespace keras::layers {

using keras::detail::cat;

namespace {
/// The base's arguments: the last cell's units (the output size) and no dropout of its
/// own (each cell keeps its own).
RecurrentCellArgs stacked_args(const std::vector<std::shared_ptr<RNNCell>>& cells) {
  if (cells.empty()) throw ValueError("StackedRNNCells needs at least one cell. Received: cells=[]");
  for (size_t i = 0; i < cells.size(); ++i)
    if (!cells[i]) throw ValueError(cat("StackedRNNCells: cell ", i, " is null; every cell must be an RNN cell"));
  return RecurrentCellArgs{.units = cells.back()->units()};
}
}  // namespace

StackedRNNCells::StackedRNNCells(std::vector<std::shared_ptr<RNNCell>> cells, LayerArgs options)
    : Concrete("StackedRNNCells", stacked_args(cells), options), cells_(std::move(cells)) {
  for (const auto& c : cells_) track_layer(c);
}

int StackedRNNCells::num_states() const {
  int n = 0;
  for (const auto& c : cells_) n += c->num_states();
  return n;
}

std::vector<Shape> StackedRNNCells::state_shapes(const Shape& step_input) const {
  std::vector<Shape> out;
  Shape s = step_input;
  for (const auto& c : cells_) {
    for (const Shape& state : c->state_shapes(s)) out.push_back(state);
    s = c->output_shape(s);
  }
  return out;
}

Shape StackedRNNCells::output_shape(const Shape& step_input) const {
  Shape s = step_input;
  for (const auto& c : cells_) s = c->output_shape(s);
  return s;
}

void StackedRNNCells::build(const Shape& input_shape) {
  // As Keras: each cell is built for the previous cell's output.
  Shape s = input_shape;
  for (const auto& c : cells_) {
    if (!c->built()) c->build_for({s});
    s = c->output_shape(s);
  }
}

DropoutMasks StackedRNNCells::dropout_masks(const Shape& step_input) {
  DropoutMasks m;
  Shape s = step_input;
  for (const auto& c : cells_) {
    m.cells.push_back(c->dropout_masks(s));
    s = c->output_shape(s);
  }
  return m;
}

Tensor StackedRNNCells::drop_inputs(const Tensor& x, const DropoutMasks& masks) const {
  return masks.cells.empty() ? x : cells_.front()->drop_inputs(x, masks.cells.front());
}

TensorList StackedRNNCells::step(const Tensor& projected, const TensorList& states, const DropoutMasks& masks) const {
  if (static_cast<int>(states.size()) != num_states())
    fail(cat("StackedRNNCells expects ", num_states(), " states; got ", states.size()));
  static const DropoutMasks kNoDropout{};
  TensorList out{Tensor()};
  Tensor output;
  auto first = states.begin();
  for (size_t i = 0; i < cells_.size(); ++i) {
    const RNNCell& cell = *cells_[i];
    const DropoutMasks& m = masks.cells.empty() ? kNoDropout : masks.cells[i];
    const Tensor p = i == 0 ? projected : cell.project_inputs(cell.drop_inputs(output, m));
    const auto last = first + cell.num_states();
    TensorList next = cell.step(p, TensorList(first, last), m);
    first = last;
    output = next[0];
    out.insert(out.end(), next.begin() + 1, next.end());
  }
  out[0] = output;
  return out;
}

std::vector<std::pair<std::string, std::shared_ptr<Layer>>> StackedRNNCells::named_sublayers() const {
  // Keras saves a list attribute's layers under the list's name, each by its snake-cased
  // class with a per-class count: cells/gru_cell, cells/lstm_cell, cells/lstm_cell_1.
  std::vector<std::pair<std::string, std::shared_ptr<Layer>>> out;
  std::map<std::string, int> counts;
  for (const auto& c : cells_) {
    const std::string base = to_snake_case(c->class_name());
    const int n = counts[base]++;
    out.emplace_back("cells/" + (n == 0 ? base : base + "_" + std::to_string(n)), c);
  }
  return out;
}

Config StackedRNNCells::get_config() const {
  Config c = Layer::get_config();
  Config cells = Config::array();
  for (const auto& cell : cells_) cells.push_back(serialize(*cell));
  c["cells"] = cells;
  return c;
}

std::shared_ptr<Layer> StackedRNNCells::from_config(const Config& config) {
  const ConfigReader r(config);
  const Config& list = r.need("cells");
  if (!list.is_array()) r.fail("\"cells\" must be a list of cell configs");
  std::vector<std::shared_ptr<RNNCell>> cells;
  for (const Config& entry : list) {
    auto cell = std::dynamic_pointer_cast<RNNCell>(deserialize(entry));
    if (!cell) r.fail("every entry of \"cells\" must be a recurrent cell (SimpleRNNCell, LSTMCell, GRUCell, ...)");
    cells.push_back(cell);
  }
  return std::make_shared<StackedRNNCells>(std::move(cells), r.layer_args());
}

}  // namespace keras::layers
