// Weight initializers (keras.initializers). An Initializer is a small value: a Keras class
// name, its arguments, and the function that draws the tensor. Subclasses only set those
// in their constructor, so they copy and slice safely. Strings resolve like Keras's:
// "glorot_uniform", "GlorotUniform", "zeros", "he_normal", ...
//
//   Dense(64, {.kernel_initializer = initializers::HeNormal(/*seed=*/7)});
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "keras/tensor/tensor.h"
#include "keras/utils/config_map.h"

namespace keras::initializers {

class Initializer {
 public:
  using Fn = std::function<Tensor(const Shape& shape, DType dtype)>;

  /// Looks a name up ("glorot_uniform", "GlorotUniform", ...); ValueError if unknown.
  Initializer(const char* name);  // NOLINT: implicit, as Keras accepts strings
  Initializer(const std::string& name);  // NOLINT
  /// A custom initializer.
  Initializer(std::string class_name, Fn fn, ConfigMap config = {});
  /// Rebuilds an initializer from Keras's class name and config (ValueError if unknown).
  static Initializer from_config(const std::string& class_name, const ConfigMap& config);

  Tensor operator()(const Shape& shape, DType dtype = DType::float32) const;
  /// Keras's class name: "GlorotUniform", "Zeros", ...
  const std::string& class_name() const { return class_name_; }
  /// Keras's get_config(): the arguments, with their Keras names and order.
  const ConfigMap& config() const { return config_; }

 private:
  std::string class_name_;
  Fn fn_;
  ConfigMap config_;
};

class Zeros : public Initializer { public: Zeros(); };
class Ones : public Initializer { public: Ones(); };
class Constant : public Initializer { public: explicit Constant(double value = 0.0); };
class RandomNormal : public Initializer {
 public: explicit RandomNormal(double mean = 0.0, double stddev = 0.05, std::optional<uint64_t> seed = {});
};
class RandomUniform : public Initializer {
 public: explicit RandomUniform(double minval = -0.05, double maxval = 0.05, std::optional<uint64_t> seed = {});
};
class TruncatedNormal : public Initializer {
 public: explicit TruncatedNormal(double mean = 0.0, double stddev = 0.05, std::optional<uint64_t> seed = {});
};
/// scale / fan draws; mode "fan_in" | "fan_out" | "fan_avg"; distribution
/// "truncated_normal" | "untruncated_normal" | "uniform".
class VarianceScaling : public Initializer {
 public:
  explicit VarianceScaling(double scale = 1.0, std::string mode = "fan_in", std::string distribution = "truncated_normal",
                           std::optional<uint64_t> seed = {});
};
class GlorotUniform : public Initializer { public: explicit GlorotUniform(std::optional<uint64_t> seed = {}); };
class GlorotNormal : public Initializer { public: explicit GlorotNormal(std::optional<uint64_t> seed = {}); };
class HeUniform : public Initializer { public: explicit HeUniform(std::optional<uint64_t> seed = {}); };
class HeNormal : public Initializer { public: explicit HeNormal(std::optional<uint64_t> seed = {}); };
class LecunUniform : public Initializer { public: explicit LecunUniform(std::optional<uint64_t> seed = {}); };
class LecunNormal : public Initializer { public: explicit LecunNormal(std::optional<uint64_t> seed = {}); };

/// A random orthogonal matrix (QR of a normal draw) times `gain`, over the kernel viewed
/// as (prod(shape[:-1]), shape[-1]); recurrent kernels start from it.
class Orthogonal : public Initializer {
 public: explicit Orthogonal(double gain = 1.0, std::optional<uint64_t> seed = {});
};

/// Keras's fan computation: (fan_in, fan_out) of a kernel shape (receptive field times
/// the last two dims for conv kernels).
std::pair<double, double> compute_fans(const Shape& shape);

}  // namespace keras::initializers
