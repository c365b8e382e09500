// Writing and reading layer configs (Keras's get_config / from_config) from the field
// tables of options structs (keras/layers/fields.h). A layer's get_config writes its
// positional arguments and then its table; its from_config reads them back:
//
//   Config Dense::get_config() const {
//     Config c = Layer::get_config();   // name, trainable, dtype
//     c["units"] = units_;
//     write_fields(c, options_, this);
//     return c;
//   }
//   std::shared_ptr<Layer> Dense::from_config(const Config& config) {
//     ConfigReader r(config);
//     return std::make_shared<Dense>(r.required<int64_t>("units"), r.options<DenseOptions>());
//   }
//
// Configs come from untrusted files: every reader checks types and ranges and throws an
// IOError that names the layer and the key.
#pragma once

#include <array>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "keras/activations/activations.h"
#include "keras/constraints/constraints.h"
#include "keras/initializers/initializers.h"
#include "keras/layers/fields.h"
#include "keras/layers/layer.h"
#include "keras/layers/options.h"
#include "keras/regularizers/regularizers.h"
#include "keras/utils/config.h"

namespace keras::layers {

// ---- one value <-> its config form, per option type (Keras's serialized forms)

template <class T>
  requires(std::is_arithmetic_v<T> || std::is_same_v<T, std::string>)
Config config_value(const T& v) {
  return Config(v);
}
Config config_value(const Shape& s);  // None for unknown dims
/// Axes lists: an empty list is Keras's None.
Config config_value(const std::vector<int64_t>& v);
template <size_t N>
Config config_value(const SizeN<N>& v) {
  return Config(v.vec());
}
Config config_value(const FloatOrList& v);
/// An int, or a list (an empty list stays []).
Config config_value(const Axes& v);
/// A number or nested lists; null for None.
Config config_value(const FloatArray& v);
template <class T>
Config config_value(const std::optional<T>& v) {
  return v ? config_value(*v) : Config(nullptr);
}
/// A name for built-in functions; a registered custom function as Keras's function object.
Config config_value(const activations::Activation& a);
Config config_value(const initializers::Initializer& i);
Config config_value(const regularizers::Regularizer& r);
Config config_value(const constraints::Constraint& c);

// Readers: `v` is the value found under the key (possibly null: Keras's None, which
// keeps the default for plain values and means "none" for activations, regularizers and
// constraints); `what` names the layer and the key in errors.
void read_config_value(const Config& v, const std::string& what, bool& out);
void read_config_value(const Config& v, const std::string& what, int64_t& out);
void read_config_value(const Config& v, const std::string& what, uint64_t& out);
void read_config_value(const Config& v, const std::string& what, double& out);
void read_config_value(const Config& v, const std::string& what, std::string& out);
void read_config_value(const Config& v, const std::string& what, Shape& out);
void read_config_value(const Config& v, const std::string& what, std::vector<int64_t>& out);  // int or list
void read_config_value(const Config& v, const std::string& what, FloatOrList& out);
/// An int or a list of ints; null is the empty list (Keras's None).
void read_config_value(const Config& v, const std::string& what, Axes& out);
/// A number or nested rectangular lists of numbers; null is None.
void read_config_value(const Config& v, const std::string& what, FloatArray& out);
void read_config_value(const Config& v, const std::string& what, activations::Activation& out);
void read_config_value(const Config& v, const std::string& what, initializers::Initializer& out);
void read_config_value(const Config& v, const std::string& what, regularizers::Regularizer& out);
void read_config_value(const Config& v, const std::string& what, constraints::Constraint& out);
/// An int or a list of `n` ints (Keras's "int or tuple").
std::vector<int64_t> read_int_tuple(const Config& v, size_t n, const std::string& what);
template <size_t N>
void read_config_value(const Config& v, const std::string& what, SizeN<N>& out) {
  if (v.is_null()) return;
  const auto t = read_int_tuple(v, N, what);
  std::copy(t.begin(), t.end(), out.values.begin());
}
/// Any of the spellings SidesN takes; sides must be >= 0.
std::vector<std::array<int64_t, 2>> read_sides(const Config& v, size_t n, const std::string& what);
template <size_t N>
void read_config_value(const Config& v, const std::string& what, SidesN<N>& out) {
  if (v.is_null()) return;
  const auto sides = read_sides(v, N, what);
  std::copy(sides.begin(), sides.end(), out.values.begin());
}
template <class T>
void read_config_value(const Config& v, const std::string& what, std::optional<T>& out) {
  if (v.is_null()) {
    out.reset();
    return;
  }
  T value = out ? *out : T{};
  read_config_value(v, what, value);
  out = std::move(value);
}

struct SingleAxis {
  static Config write(int64_t axis) { return Config(axis); }
  static void read(const Config& v, const std::string& what, int64_t& out);
};

// ---- a field through its codec

template <class O, class T, class Codec>
Config field_value(const Field<O, T, Codec>& f, const O& o) {
  if constexpr (std::is_void_v<Codec>) return config_value(o.*f.member);
  else return Codec::write(o.*f.member);
}

template <class O, class T, class Codec>
void read_field_value(const Field<O, T, Codec>& f, const Config& v, const std::string& what, O& o) {
  if constexpr (std::is_void_v<Codec>) read_config_value(v, what, o.*f.member);
  else Codec::read(v, what, o.*f.member);
}

/// Writes every field of a table (`fields`, or O::fields()) into `c` in table order. With `owner`, the
/// activity_regularizer key holds the layer's own (set_activity_regularizer may have
/// changed it after construction).
template <class O, class Fields>
void write_table(Config& c, const O& o, const Fields& fields, const Layer* owner = nullptr) {
  std::apply(
      [&](const auto&... f) {
        auto one = [&](const auto& field) {
          if constexpr (std::is_same_v<std::decay_t<decltype(o.*field.member)>, regularizers::Regularizer>)
            if (owner && std::string_view(field.key) == "activity_regularizer") {
              c[field.key] = config_value(owner->activity_regularizer());
              return;
            }
          c[field.key] = field_value(field, o);
        };
        (one(f), ...);
      },
      fields);
}
template <class O>
void write_fields(Config& c, const O& o, const Layer* owner = nullptr) {
  write_table(c, o, O::fields(), owner);
}

/// Layer::get_config of `layer` followed by the table of `o`: the whole get_config of a
/// layer whose arguments all live in its options struct.
template <class O>
Config config_with_fields(const Layer& layer, const O& o) {
  Config c = layer.Layer::get_config();
  write_fields(c, o, &layer);
  return c;
}

/// The config of a layer with one positional argument (Dropout's rate, Permute's dims)
/// and, optionally, an options struct.
template <class T>
Config config_with(const Layer& layer, const char* key, const T& value) {
  Config c = layer.Layer::get_config();
  if constexpr (std::is_constructible_v<Config, const T&>) c[key] = value;
  else c[key] = config_value(value);
  return c;
}
template <class T, class O>
Config config_with(const Layer& layer, const char* key, const T& value, const O& o) {
  Config c = config_with(layer, key, value);
  write_fields(c, o, &layer);
  return c;
}

// ---- reading a layer's config

/// Reads one layer's config dict; errors name the layer ("layer \"dense_1\" units: ...").
class ConfigReader {
 public:
  explicit ConfigReader(const Config& config);

  const Config& config() const { return config_; }
  /// How errors name the layer: `layer "name"`.
  const std::string& context() const { return context_; }
  /// `context() + " " + key`.
  std::string what(const char* key) const { return context_ + " " + key; }

  /// The value under `key` (null values included), or nullptr when the key is absent.
  const Config* find(const char* key) const;
  /// The value under `key`; IOError naming the layer when it is missing.
  const Config& need(const char* key) const;

  /// A required argument (Dense's units, Conv2D's filters and kernel_size).
  template <class T>
  T required(const char* key) const {
    T out{};
    const Config& v = need(key);
    if (v.is_null()) fail(std::string("\"") + key + "\" must not be null");
    read_config_value(v, what(key), out);
    return out;
  }
  /// An optional argument, `fallback` when absent.
  template <class T>
  T get(const char* key, T fallback) const {
    if (const Config* v = find(key)) read_config_value(*v, what(key), fallback);
    return fallback;
  }

  /// Reads the fields of a table into `o` (absent keys keep their values).
  template <class O, class Fields>
  void read_fields(O& o, const Fields& fields) const {
    std::apply(
        [&](const auto&... f) {
          auto one = [&](const auto& field) {
            const Config* v = find(field.key);
            if (!v && field.alias) v = find(field.alias);
            if (v) read_field_value(field, *v, what(field.key), o);
          };
          (void)one;  // unused when the table is empty
          (one(f), ...);
        },
        fields);
  }

  /// The options struct: defaults, then every key of O::fields() found in the config,
  /// then the layer-args tail (input_shape, name, dtype, trainable, activity_regularizer).
  template <class O>
  O options() const {
    O o{};
    read_fields(o, O::fields());
    fill_layer_args(o);
    return o;
  }
  /// name, dtype, trainable and (Keras 2) the input shape of batch_input_shape.
  LayerArgs layer_args() const;
  template <class O>
  void fill_layer_args(O& o) const {
    const LayerArgs a = layer_args();
    if constexpr (requires { o.input_shape; }) o.input_shape = a.input_shape;
    o.name = a.name;
    o.dtype = a.dtype;
    o.trainable = a.trainable;
    if constexpr (requires { o.activity_regularizer; })
      if (const Config* v = find("activity_regularizer")) read_config_value(*v, what("activity_regularizer"), o.activity_regularizer);
  }

  /// L(required<T>(key), L::Options read from the config): the from_config of a layer
  /// with one required argument.
  template <class L, class T>
  std::shared_ptr<Layer> make(const char* key) const {
    return std::make_shared<L>(required<T>(key), options<typename L::Options>());
  }
  /// The same with an optional first argument.
  template <class L, class T>
  std::shared_ptr<Layer> make(const char* key, T fallback) const {
    return std::make_shared<L>(get<T>(key, std::move(fallback)), options<typename L::Options>());
  }

  /// IOError when any of `keys` is set (Keras features this library does not have yet).
  void reject(std::initializer_list<const char*> keys) const;
  /// IOError "<layer>: message".
  [[noreturn]] void fail(const std::string& message) const;

 private:
  const Config& config_;
  std::string context_;
};

// ---- equality and printing, from the same table

/// Whether two options structs hold the same arguments (compared as Keras would
/// serialize them, so two "glorot_uniform" initializers are equal).
template <class O>
bool options_equal(const O& a, const O& b) {
  Config ca = Config::object(), cb = Config::object();
  write_fields(ca, a);
  write_fields(cb, b);
  if constexpr (requires { a.input_shape; })
    if (a.input_shape != b.input_shape) return false;
  return ca == cb && a.name == b.name && a.dtype == b.dtype && a.trainable == b.trainable;
}

/// The arguments as Keras's config keys: {"activation": "relu", "use_bias": true, ...}.
template <class O>
std::string options_to_string(const O& o) {
  Config c = Config::object();
  write_fields(c, o);
  if (!o.name.empty()) c["name"] = o.name;
  return c.dump();
}

}  // namespace keras::layers
