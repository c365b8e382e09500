// keras.utils.model_to_dot and keras.utils.plot_model: a picture of a model's graph,
// drawn by Graphviz as Keras draws it (keras/src/utils/model_visualization.py): one box
// per layer (an HTML-like table: "name (Class)", then optionally the activation, the
// input and output shapes, the output dtype and whether it trains), an arrow per
// connection, nested models as one box or, with expand_nested, as a dashed cluster.
//
//   keras::utils::plot_model(model, "model.png", {.show_shapes = true});
//   std::string dot = keras::utils::model_to_dot(model, {.rankdir = "LR"});
//
// plot_model runs Graphviz's `dot` program (package graphviz), found on PATH.
#pragma once

#include <optional>
#include <string>

namespace keras::models {
class Model;
}

namespace keras::utils {

/// plot_model's and model_to_dot's arguments, in Keras's order and with its defaults.
struct PlotModelOptions {
  bool show_shapes = false;  // "Input shape" / "Output shape" cells, e.g. (None, 28, 28, 1)
  bool show_dtype = false;   // an "Output dtype" cell
  /// The layer's name before its class name. Unset: Keras's defaults, which differ between
  /// the two functions: model_to_dot shows names (True), plot_model does not (False).
  std::optional<bool> show_layer_names{};
  std::string rankdir = "TB";  // Graphviz's rankdir: "TB" top to bottom, "LR", "BT", "RL"
  bool expand_nested = false;  // draw nested Functional / Sequential models as clusters
  int dpi = 200;
  bool show_layer_activations = false;  // an "Activation" row for layers that have one
  bool show_trainable = false;          // a Trainable / Non-trainable cell for layers with weights
  std::string splines = "ortho";        // how edges are drawn: ortho, curved, polyline, spline, line
};

/// The Graphviz dot source of the model's graph (Keras's model_to_dot). ValueError for
/// a model that is not built yet or for bad options.
std::string model_to_dot(const models::Model& model, const PlotModelOptions& options = {});

/// Draws the model into `to_file`, in the format its extension names: png (also the
/// default when there is none), svg, pdf, jpg / jpeg, gif, ps, eps; dot / gv write the
/// dot source itself. Renders with Graphviz's `dot`; when it is not on PATH, writes the
/// dot source beside `to_file` (same name, extension .dot) and throws RuntimeError
/// saying so. ValueError for an unsupported extension, IOError for an unwritable path.
void plot_model(const models::Model& model, const std::string& to_file = "model.png",
                const PlotModelOptions& options = {});

}  // namespace keras::utils
