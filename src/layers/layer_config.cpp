// The serialized forms of option values (Keras 3's, and tf.keras 2's when reading),
// ConfigReader, and Layer::get_config.
#include "keras/layers/layer_config.h"

#include <cmath>

#include "keras/saving/registered_functions.h"
#include "saving/json_utils.h"

namespace keras::layers {

using keras::detail::cat;

// ---- writing

Config config_value(const Shape& s) { return saving::shape_json(s); }

Config config_value(const std::vector<int64_t>& v) { return v.empty() ? Config(nullptr) : Config(v); }

Config config_value(const activations::Activation& a) {
  if (a.is_linear() || a.is_builtin(a.name())) return a.name();
  // A custom function is saved by name, as Keras saves registered functions; loading
  // finds it only if the program registered it (nothing in a file ever runs as code).
  if (!saving::find_function(a.name()))
    throw ValueError(cat("The custom activation \"", a.name(), "\" cannot be saved: register it first with "
                         "saving::register_function(\"", a.name(), "\", fn)"));
  return Config{{"module", "builtins"}, {"class_name", "function"}, {"config", a.name()}, {"registered_name", a.name()}};
}

namespace {
/// Keras objects held as small values (Initializer, Regularizer, Constraint):
/// {"module", "class_name", "config", "registered_name"}.
template <class T>
Config keras_object(const T& obj, const char* module) {
  return Config{{"module", module},
                {"class_name", obj.class_name()},
                {"config", saving::config_map_json(obj.config())},
                {"registered_name", nullptr}};
}

/// Read back from null (none), a name ("l2", "max_norm") or that object. ValueErrors from
/// the object's own argument checks become IOErrors naming `what`.
template <class T>
void read_keras_object(const Config& v, const std::string& what, T& out) {
  try {
    if (v.is_string()) {
      out = T(v.get<std::string>());
      return;
    }
    const std::string cls = saving::to_string(saving::need(v, "class_name", what), what + " class_name");
    const Config* cfg = saving::find(v, "config");
    out = T::from_config(cls, cfg ? saving::to_config_map(*cfg, what) : ConfigMap{});
  } catch (const ValueError& e) {
    throw IOError(cat(what, ": ", e.what()));
  }
}
}  // namespace

Config config_value(const initializers::Initializer& i) { return keras_object(i, "keras.initializers"); }
Config config_value(const regularizers::Regularizer& r) {
  return r ? keras_object(r, "keras.regularizers") : Config(nullptr);
}
Config config_value(const constraints::Constraint& c) {
  return c ? keras_object(c, "keras.constraints") : Config(nullptr);
}

// ---- reading

void read_config_value(const Config& v, const std::string& what, bool& out) {
  if (!v.is_null()) out = saving::to_bool(v, what);
}
void read_config_value(const Config& v, const std::string& what, int64_t& out) {
  if (!v.is_null()) out = saving::to_int(v, what);
}
void read_config_value(const Config& v, const std::string& what, uint64_t& out) {
  if (v.is_null()) return;
  out = static_cast<uint64_t>(saving::to_int(v, what));  // seeds: any integer, as Python's
}
void read_config_value(const Config& v, const std::string& what, double& out) {
  if (!v.is_null()) out = saving::to_number(v, what);
}
void read_config_value(const Config& v, const std::string& what, std::string& out) {
  if (!v.is_null()) out = saving::to_string(v, what);
}
void read_config_value(const Config& v, const std::string& what, Shape& out) {
  if (!v.is_null()) out = saving::to_shape(v, what);
}
void read_config_value(const Config& v, const std::string& what, std::vector<int64_t>& out) {
  if (v.is_null()) out.clear();
  else if (v.is_array()) out = saving::to_ints(v, what);
  else out = {saving::to_int(v, what)};
}

void read_config_value(const Config& v, const std::string& what, activations::Activation& out) {
  if (v.is_null()) {
    out = {};  // Keras's activations.get(None): linear
    return;
  }
  std::string name;
  if (v.is_string()) name = v.get<std::string>();
  else if (const Config* cfg = saving::find(v, "config"); cfg && cfg->is_string()) name = cfg->get<std::string>();
  else throw IOError(cat(what, ": cannot read activation ", v.dump().substr(0, 80)));
  if (auto fn = saving::find_function(name)) out = activations::Activation(name, fn);
  else out = activations::Activation(name);
}

void read_config_value(const Config& v, const std::string& what, initializers::Initializer& out) {
  if (!v.is_null()) read_keras_object(v, what, out);
}
void read_config_value(const Config& v, const std::string& what, regularizers::Regularizer& out) {
  if (v.is_null()) out = {};
  else read_keras_object(v, what, out);
}
void read_config_value(const Config& v, const std::string& what, constraints::Constraint& out) {
  if (v.is_null()) out = {};
  else read_keras_object(v, what, out);
}

std::vector<int64_t> read_int_tuple(const Config& v, size_t n, const std::string& what) {
  return saving::to_int_tuple(v, n, what);
}

Config config_value(const FloatOrList& v) {
  if (v.is_list) return Config(v.values);
  return v.is_integer ? Config(static_cast<int64_t>(v.values.at(0))) : Config(v.values.at(0));
}

void read_config_value(const Config& v, const std::string& what, FloatOrList& out) {
  if (v.is_null()) return;
  if (!v.is_array()) {
    double d = 0;
    read_config_value(v, what, d);
    out = FloatOrList(d);
    out.is_integer = v.is_number_integer() && d == std::trunc(d) && std::abs(d) < 9e15;
    return;
  }
  if (v.empty() || v.size() > 65536) throw IOError(cat(what, ": expected a number or a list of numbers"));
  std::vector<double> list;
  for (const Config& e : v) {
    double d = 0;
    read_config_value(e, what, d);
    list.push_back(d);
  }
  out = FloatOrList(std::move(list));
}

Config config_value(const Axes& v) { return v.is_list ? Config(v.values) : Config(v.values.at(0)); }

void read_config_value(const Config& v, const std::string& what, Axes& out) {
  if (v.is_null()) out = Axes(std::vector<int64_t>{});
  else if (v.is_array()) out = Axes(saving::to_ints(v, what));
  else out = Axes(saving::to_int(v, what));
}

FloatArray::FloatArray(std::vector<double> values_, std::vector<int64_t> shape_)
    : values(std::move(values_)), shape(std::move(shape_)) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw ValueError(cat("FloatArray: negative dimension in shape ", Shape(shape).to_string()));
    n *= d;
  }
  if (n != static_cast<int64_t>(values.size()))
    throw ValueError(cat("FloatArray: ", values.size(), " values do not fill shape ", Shape(shape).to_string()));
}

namespace {
Config nested_list(const FloatArray& a, size_t dim, size_t& next) {
  if (dim == a.shape.size()) return Config(a.values.at(next++));
  Config list = Config::array();
  for (int64_t i = 0; i < a.shape[dim]; ++i) list.push_back(nested_list(a, dim + 1, next));
  return list;
}

/// Reads nested lists into `values`, fixing `shape` at the first element of each depth and
/// requiring every later one to agree (NumPy's rectangular arrays).
void read_nested(const Config& v, const std::string& what, size_t depth, std::vector<int64_t>& shape,
                 std::vector<double>& values, bool& shape_fixed) {
  constexpr size_t kMaxDepth = 32, kMaxValues = size_t{1} << 24;
  if (depth > kMaxDepth || values.size() > kMaxValues) throw IOError(cat(what, ": array too deep or too large"));
  if (!v.is_array()) {
    if (!shape_fixed) shape_fixed = true;
    else if (shape.size() != depth) throw IOError(cat(what, ": nested lists are not rectangular"));
    values.push_back(saving::to_number(v, what));
    return;
  }
  const auto n = static_cast<int64_t>(v.size());
  if (!shape_fixed && shape.size() == depth) shape.push_back(n);
  else if (depth >= shape.size() || shape[depth] != n) throw IOError(cat(what, ": nested lists are not rectangular"));
  if (n == 0 && !shape_fixed) shape_fixed = true;
  for (const Config& e : v) read_nested(e, what, depth + 1, shape, values, shape_fixed);
}
}  // namespace

Config config_value(const FloatArray& v) {
  if (v.is_none()) return Config(nullptr);
  size_t next = 0;
  return nested_list(v, 0, next);
}

void read_config_value(const Config& v, const std::string& what, FloatArray& out) {
  if (v.is_null()) {
    out = FloatArray();
    return;
  }
  std::vector<int64_t> shape;
  std::vector<double> values;
  bool shape_fixed = false;
  read_nested(v, what, 0, shape, values, shape_fixed);
  try {
    out = FloatArray(std::move(values), std::move(shape));
  } catch (const ValueError& e) {
    throw IOError(cat(what, ": ", e.what()));
  }
}

std::vector<std::array<int64_t, 2>> read_sides(const Config& v, size_t n, const std::string& what) {
  auto side = [&](const Config& x) {
    const int64_t s = saving::to_int(x, what);
    if (s < 0) throw IOError(cat(what, ": sides must be >= 0, found ", s));
    return s;
  };
  if (!v.is_array()) return std::vector<std::array<int64_t, 2>>(n, {side(v), side(v)});
  if (n == 1 && v.size() == 2 && !v[0].is_array()) return {{side(v[0]), side(v[1])}};  // the one axis's two sides
  if (v.size() != n) throw IOError(cat(what, ": expected an int or ", n, " entries, found ", v.dump().substr(0, 80)));
  std::vector<std::array<int64_t, 2>> out;
  for (size_t i = 0; i < n; ++i) {
    if (!v[i].is_array()) {
      out.push_back({side(v[i]), side(v[i])});
    } else {
      if (v[i].size() != 2)
        throw IOError(cat(what, ": expected (before, after) pairs, found ", v.dump().substr(0, 80)));
      out.push_back({side(v[i][0]), side(v[i][1])});
    }
  }
  return out;
}

void SingleAxis::read(const Config& v, const std::string& what, int64_t& out) {
  if (v.is_null()) return;
  if (v.is_array()) {
    if (v.size() != 1) throw IOError(cat(what, ": several axes are not supported, found ", v.dump().substr(0, 40)));
    out = saving::to_int(v[0], what);
  } else {
    out = saving::to_int(v, what);
  }
}

// ---- ConfigReader

namespace {
std::string context_of(const Config& config) {
  if (const Config* n = saving::find(config, "name"); n && n->is_string()) return "layer \"" + n->get<std::string>() + "\"";
  return "a layer";
}
}  // namespace

ConfigReader::ConfigReader(const Config& config) : config_(config), context_(context_of(config)) {
  if (!config.is_object()) throw IOError(cat(context_, ": the config is not an object"));
}

const Config* ConfigReader::find(const char* key) const {
  auto it = config_.find(key);
  return it == config_.end() ? nullptr : &*it;
}

const Config& ConfigReader::need(const char* key) const { return saving::need(config_, key, context_); }

LayerArgs ConfigReader::layer_args() const {
  LayerArgs a;
  if (const Config* n = saving::find(config_, "name")) a.name = saving::to_string(*n, what("name"));
  if (const Config* t = saving::find(config_, "trainable")) a.trainable = saving::to_bool(*t, what("trainable"));
  if (const Config* d = saving::find(config_, "dtype")) {
    std::string name = d->is_string()
                           ? d->get<std::string>()
                           : saving::to_string(saving::need(saving::need(*d, "config", what("dtype")), "name", what("dtype")),
                                             what("dtype"));
    a.dtype = DTypePolicy(name);
  }
  // Keras 2 puts the model's input shape on the first layer.
  if (const Config* b = saving::find(config_, "batch_input_shape"))
    a.input_shape = saving::to_shape(*b, what("batch_input_shape")).slice(1);
  return a;
}

void ConfigReader::reject(std::initializer_list<const char*> keys) const {
  for (const char* k : keys)
    if (saving::find(config_, k)) fail(cat("\"", k, "\" is set, which this library does not support yet"));
}

void ConfigReader::fail(const std::string& message) const { throw IOError(cat(context_, ": ", message)); }

// ---- Layer::get_config

Config Layer::get_config() const {
  Config c{{"name", name()},
           {"trainable", trainable()},
           {"dtype",
            {{"module", "keras"},
             {"class_name", "DTypePolicy"},
             {"config", {{"name", dtype_policy().name()}}},
             {"registered_name", nullptr}}}};
  // Keras's Layer.get_config writes the activity regularizer only when there is one.
  if (activity_regularizer()) c["activity_regularizer"] = config_value(activity_regularizer());
  return c;
}

}  // namespace keras::layers
