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
// Inputs are fed in the model's input order (`--input -` reads standard input; pipes and
// process substitutions work too), outputs written in its output order as float32 .npy,
// all of them or none. Any error prints one line on stderr and exits with status 1 (2
// for bad usage).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "keras/keras.h"
#include "keras/saving/saving.h"
#include "keras/utils/plot_model.h"

namespace {

const char* kUsage =
    "usage: kerascpp summary MODEL\n"
    "       kerascpp predict MODEL --input X.npy|- [--input X2.npy ...] --output Y.npy [--output Y2.npy ...] "
    "[--batch-size N]\n"
    "       kerascpp convert IN.(keras|h5) OUT.(keras|h5)\n"
    "       kerascpp plot MODEL OUT.(png|svg|pdf|jpg|gif|ps|eps|dot) [--show-shapes] [--show-dtype] "
    "[--show-layer-names] [--rankdir TB|LR|BT|RL] [--expand-nested] [--dpi N] [--show-layer-activations] "
    "[--show-trainable] [--splines ortho|curved|polyline|spline|line]\n";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Writes every output or none: each is saved beside its target first (named as the
/// library names its temporaries, so a killed run's leftovers are removed by the next
/// save there), then all are moved into place. A symlink's target is replaced, the link
/// kept; a device such as /dev/null or a FIFO is written through, never replaced.
void write_outputs(const std::vector<std::string>& paths, const keras::TensorList& ys) {
  namespace fs = std::filesystem;
  std::vector<fs::path> targets(paths.size()), staged(paths.size());
  auto discard = [&] {
    std::error_code ec;
    for (const auto& s : staged)
      if (!s.empty()) fs::remove(s, ec);
  };
  auto as_saved = [](const keras::Tensor& y) {
    return y.dtype() == keras::DType::string ? y : y.astype(keras::DType::float32);
  };
  try {
    for (size_t i = 0; i < paths.size(); ++i) {
      std::error_code ec;
      targets[i] = fs::path(paths[i]);
      for (int hops = 0; hops < 40 && fs::is_symlink(fs::symlink_status(targets[i], ec));
           ++hops) {  // even a dangling link
        const fs::path to = fs::read_symlink(targets[i], ec);
        targets[i] = to.is_absolute() ? to : targets[i].parent_path() / to;
      }
      const fs::file_status st = fs::status(targets[i], ec);
      if (fs::exists(st) && fs::is_directory(st))
        throw keras::IOError(keras::detail::cat("Cannot write output ", paths[i], ": it is a directory"));
      if (fs::exists(st) && !fs::is_regular_file(st)) continue;  // written through in the second pass
      const fs::path dir = targets[i].has_parent_path() ? targets[i].parent_path() : fs::path(".");
      std::string name = ".";  // appended, not operator+: GCC 12 warns falsely (-Wrestrict) on the latter
      name += targets[i].filename().string();
      name += ".tmp.";
      name += std::to_string(::getpid());
      staged[i] = dir / name;
      try {
        keras::save_npy(staged[i].string(), as_saved(ys[i]));
      } catch (const std::exception& e) {
        staged[i].clear();
        throw keras::IOError(keras::detail::cat("Cannot write output ", paths[i], " (", e.what(), ")"));
      }
    }
    for (size_t i = 0; i < paths.size(); ++i) {
      if (staged[i].empty()) {
        keras::save_npy(targets[i].string(), as_saved(ys[i]));
        continue;
      }
      std::error_code ec;
      fs::rename(staged[i], targets[i], ec);
      if (ec) throw keras::IOError(keras::detail::cat("Cannot write output ", paths[i], " (", ec.message(), ")"));
      staged[i].clear();
    }
  } catch (...) {
    discard();
    throw;
  }
}

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
  for (const auto& path : inputs) xs.push_back(keras::load_npy(path == "-" ? "/dev/stdin" : path));
  const keras::TensorList ys = model->predict(xs, {.batch_size = batch_size, .verbose = 0, .callbacks = {}});
  write_outputs(outputs, ys);
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
