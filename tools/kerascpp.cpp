// kerascpp: Keras model files from the command line.
//
//   kerascpp summary MODEL
//   kerascpp predict MODEL --input A.npy [--input B.npy ...] --output Y.npy [--output Z.npy ...] [--batch-size N]
//   kerascpp convert IN OUT          (.keras <-> .h5, by the output's extension)
//   kerascpp plot MODEL OUT.png [--show-shapes] [--show-dtype] [--show-layer-names] [--rankdir LR]
//                 [--expand-nested] [--dpi N] [--show-layer-activations] [--show-trainable] [--splines S]
//                                    (keras.utils.plot_model; the format by OUT's extension:
//                                     png, svg, pdf, jpg, gif, ps, eps, or dot for the source)
//
// Inputs are fed in the model's input order, outputs written in its output order as
// float32 .npy. Any error prints one line on stderr and exits with status 1 (2 for
// bad usage).
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "keras/keras.h"
#include "keras/saving/saving.h"
#include "keras/utils/plot_model.h"

namespace {

const char* kUsage =
    "usage: kerascpp summary MODEL\n"
    "       kerascpp predict MODEL --input X.npy [--input X2.npy ...] --output Y.npy [--output Y2.npy ...] "
    "[--batch-size N]\n"
    "       kerascpp convert IN.(keras|h5) OUT.(keras|h5)\n"
    "       kerascpp plot MODEL OUT.(png|svg|pdf|jpg|gif|ps|eps|dot) [--show-shapes] [--show-dtype] "
    "[--show-layer-names] [--rankdir TB|LR|BT|RL] [--expand-nested] [--dpi N] [--show-layer-activations] "
    "[--show-trainable] [--splines ortho|curved|polyline|spline|line]\n";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int summary(const std::vector<std::string>& args) {
  if (args.size() != 1) throw UsageError("summary takes one model file");
  keras::models::load_model(args[0], {.compile = false})->summary();
  return 0;
}

int predict(const std::vector<std::string>& args) {
  if (args.empty()) throw UsageError("predict needs a model file");
  std::vector<std::string> inputs, outputs;
  int64_t batch_size = 32;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (i + 1 >= args.size()) throw UsageError("option " + a + " needs a value");
    const std::string& v = args[++i];
    if (a == "--input") {
      inputs.push_back(v);
    } else if (a == "--output") {
      outputs.push_back(v);
    } else if (a == "--batch-size") {
      char* end = nullptr;
      batch_size = std::strtoll(v.c_str(), &end, 10);
      if (!end || *end || batch_size <= 0) throw UsageError("--batch-size needs a positive integer, got '" + v + "'");
    } else {
      throw UsageError("unknown option " + a);
    }
  }
  if (inputs.empty()) throw UsageError("predict needs at least one --input");
  auto model = keras::models::load_model(args[0], {.compile = false});
  if (inputs.size() != model->inputs().size())
    throw keras::ValueError(keras::detail::cat("the model has ", model->inputs().size(), " input(s) (",
                                               [&] {
                                                 std::string s;
                                                 for (const auto& n : model->input_names()) s += (s.empty() ? "" : ", ") + n;
                                                 return s;
                                               }(),
                                               ") but ", inputs.size(), " --input file(s) were given"));
  if (outputs.size() != model->outputs().size())
    throw keras::ValueError(keras::detail::cat("the model has ", model->outputs().size(), " output(s) but ",
                                               outputs.size(), " --output file(s) were given"));
  keras::TensorList xs;
  for (const auto& path : inputs) xs.push_back(keras::load_npy(path));
  const keras::TensorList ys = model->predict(xs, {.batch_size = batch_size, .verbose = 0, .callbacks = {}});
  for (size_t i = 0; i < ys.size(); ++i)
    keras::save_npy(outputs[i], ys[i].dtype() == keras::DType::string ? ys[i] : ys[i].astype(keras::DType::float32));
  return 0;
}

int convert(const std::vector<std::string>& args) {
  if (args.size() != 2) throw UsageError("convert takes an input and an output file");
  keras::models::load_model(args[0])->save(args[1]);
  return 0;
}

int plot(const std::vector<std::string>& args) {
  if (args.size() < 2) throw UsageError("plot takes a model file and an output image");
  keras::utils::PlotModelOptions o;
  o.show_layer_names = false;  // plot_model's default
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--show-shapes") {
      o.show_shapes = true;
    } else if (a == "--show-dtype") {
      o.show_dtype = true;
    } else if (a == "--show-layer-names") {
      o.show_layer_names = true;
    } else if (a == "--expand-nested") {
      o.expand_nested = true;
    } else if (a == "--show-layer-activations") {
      o.show_layer_activations = true;
    } else if (a == "--show-trainable") {
      o.show_trainable = true;
    } else if (a == "--rankdir" || a == "--dpi" || a == "--splines") {
      if (i + 1 >= args.size()) throw UsageError("option " + a + " needs a value");
      const std::string& v = args[++i];
      if (a == "--rankdir") {
        o.rankdir = v;
      } else if (a == "--splines") {
        o.splines = v;
      } else {
        char* end = nullptr;
        const long long dpi = std::strtoll(v.c_str(), &end, 10);
        if (!end || *end || dpi <= 0 || dpi > 10000)
          throw UsageError("--dpi needs a positive integer, got '" + v + "'");
        o.dpi = static_cast<int>(dpi);
      }
    } else {
      throw UsageError("unknown option " + a);
    }
  }
  keras::utils::plot_model(*keras::models::load_model(args[0], {.compile = false}), args[1], o);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
      std::cout << kUsage;
      return args.empty() ? 2 : 0;
    }
    const std::string cmd = args[0];
    args.erase(args.begin());
    if (cmd == "summary") return summary(args);
    if (cmd == "predict") return predict(args);
    if (cmd == "convert") return convert(args);
    if (cmd == "plot") return plot(args);
    throw UsageError("unknown command '" + cmd + "'");
  } catch (const UsageError& e) {
    std::cerr << "kerascpp: " << e.what() << "\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::string msg = e.what();
    for (char& c : msg)
      if (c == '\n') c = ' ';
    std::cerr << "kerascpp: " << msg << "\n";
    return 1;
  }
}
