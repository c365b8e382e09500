#include "keras/initializers/initializers.h"

#include <algorithm>
#include <cmath>

#include "keras/random/random.h"
#include "utils/excerpt.h"
#include "utils/names.h"

namespace keras::initializers {

using keras::detail::cat;

namespace {

ConfigValue seed_value(std::optional<uint64_t> seed) {
  if (!seed) return nullptr;
  return static_cast<int64_t>(*seed);
}

/// What Keras 3 writes for the glorot/he/lecun family.
ConfigMap fan_config(std::optional<uint64_t> seed) {
  return {{"seed", seed_value(seed)}, {"input_axes", nullptr}, {"output_axes", nullptr}};
}


}  // namespace

std::pair<double, double> compute_fans(const Shape& shape) {
  if (shape.rank() < 1) return {1.0, 1.0};
  if (shape.rank() == 1) return {static_cast<double>(shape[0]), static_cast<double>(shape[0])};
  if (shape.rank() == 2) return {static_cast<double>(shape[0]), static_cast<double>(shape[1])};
  double receptive = 1;
  for (int64_t i = 0; i < shape.rank() - 2; ++i) receptive *= static_cast<double>(shape[static_cast<size_t>(i)]);
  return {static_cast<double>(shape.dim(-2)) * receptive, static_cast<double>(shape.dim(-1)) * receptive};
}

Initializer::Initializer(const char* name) : Initializer(std::string(name)) {}

Initializer::Initializer(const std::string& name) {
  const std::string c = utils::canonical_name(name);
  if (c == "glorotuniform") *this = GlorotUniform();
  else if (c == "glorotnormal") *this = GlorotNormal();
  else if (c == "heuniform") *this = HeUniform();
  else if (c == "henormal") *this = HeNormal();
  else if (c == "lecununiform") *this = LecunUniform();
  else if (c == "lecunnormal") *this = LecunNormal();
  else if (c == "zeros" || c == "zero") *this = Zeros();
  else if (c == "ones" || c == "one") *this = Ones();
  else if (c == "constant") *this = Constant();
  else if (c == "randomnormal" || c == "normal") *this = RandomNormal();
  else if (c == "randomuniform" || c == "uniform") *this = RandomUniform();
  else if (c == "orthogonal") *this = Orthogonal();
  else if (c == "truncatednormal") *this = TruncatedNormal();
  else if (c == "variancescaling") *this = VarianceScaling();
  else
    throw ValueError(cat("Could not interpret initializer identifier: '", utils::excerpt(name),
                         "'. Known: glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, "
                         "lecun_normal, zeros, ones, constant, random_normal (normal), random_uniform (uniform), "
                         "truncated_normal, variance_scaling, orthogonal"));
}

Initializer::Initializer(std::string class_name, Fn fn, ConfigMap config)
    : class_name_(std::move(class_name)), fn_(std::move(fn)), config_(std::move(config)) {}

Tensor Initializer::operator()(const Shape& shape, DType dtype) const {
  Tensor t = fn_(shape, dtype);
  return t.dtype() == dtype ? t : t.astype(dtype);
}

Zeros::Zeros() : Initializer("Zeros", [](const Shape& s, DType d) { return Tensor::zeros(s, d); }) {}
Ones::Ones() : Initializer("Ones", [](const Shape& s, DType d) { return Tensor::ones(s, d); }) {}
Constant::Constant(double value)
    : Initializer("Constant", [value](const Shape& s, DType d) { return Tensor::full(s, value, d); },
                  {{"value", value}}) {}

RandomNormal::RandomNormal(double mean, double stddev, std::optional<uint64_t> seed)
    : Initializer("RandomNormal",
                  [=](const Shape& s, DType) { return random::normal(s, mean, stddev, seed); },
                  {{"seed", seed_value(seed)}, {"mean", mean}, {"stddev", stddev}}) {}

RandomUniform::RandomUniform(double minval, double maxval, std::optional<uint64_t> seed)
    : Initializer("RandomUniform",
                  [=](const Shape& s, DType) { return random::uniform(s, minval, maxval, seed); },
                  {{"seed", seed_value(seed)}, {"minval", minval}, {"maxval", maxval}}) {}

TruncatedNormal::TruncatedNormal(double mean, double stddev, std::optional<uint64_t> seed)
    : Initializer("TruncatedNormal",
                  [=](const Shape& s, DType) { return random::truncated_normal(s, mean, stddev, seed); },
                  {{"seed", seed_value(seed)}, {"mean", mean}, {"stddev", stddev}}) {}

namespace {
Initializer::Fn variance_scaling_fn(double scale, const std::string& mode, const std::string& distribution,
                                    std::optional<uint64_t> seed) {
  if (scale <= 0) throw ValueError(cat("VarianceScaling: scale must be positive, got ", scale));
  if (mode != "fan_in" && mode != "fan_out" && mode != "fan_avg")
    throw ValueError(cat("VarianceScaling: invalid mode '", mode, "'. Expected fan_in, fan_out or fan_avg"));
  if (distribution != "truncated_normal" && distribution != "untruncated_normal" && distribution != "normal" &&
      distribution != "uniform")
    throw ValueError(cat("VarianceScaling: invalid distribution '", distribution,
                         "'. Expected truncated_normal, untruncated_normal or uniform"));
  return [=](const Shape& shape, DType) {
    auto [fan_in, fan_out] = compute_fans(shape);
    const double n = mode == "fan_in" ? fan_in : mode == "fan_out" ? fan_out : (fan_in + fan_out) / 2.0;
    const double s = scale / std::max(1.0, n);
    if (distribution == "uniform") {
      const double limit = std::sqrt(3.0 * s);
      return random::uniform(shape, -limit, limit, seed);
    }
    if (distribution == "truncated_normal")  // constant: stddev of a unit normal truncated at +-2
      return random::truncated_normal(shape, 0.0, std::sqrt(s) / 0.87962566103423978, seed);
    return random::normal(shape, 0.0, std::sqrt(s), seed);
  };
}
}  // namespace

VarianceScaling::VarianceScaling(double scale, std::string mode, std::string distribution,
                                 std::optional<uint64_t> seed)
    : Initializer("VarianceScaling", variance_scaling_fn(scale, mode, distribution, seed),
                  {{"seed", seed_value(seed)}, {"scale", scale}, {"mode", mode}, {"distribution", distribution},
                   {"input_axes", nullptr}, {"output_axes", nullptr}}) {}

GlorotUniform::GlorotUniform(std::optional<uint64_t> seed)
    : Initializer("GlorotUniform", variance_scaling_fn(1.0, "fan_avg", "uniform", seed), fan_config(seed)) {}
GlorotNormal::GlorotNormal(std::optional<uint64_t> seed)
    : Initializer("GlorotNormal", variance_scaling_fn(1.0, "fan_avg", "truncated_normal", seed), fan_config(seed)) {}
HeUniform::HeUniform(std::optional<uint64_t> seed)
    : Initializer("HeUniform", variance_scaling_fn(2.0, "fan_in", "uniform", seed), fan_config(seed)) {}
HeNormal::HeNormal(std::optional<uint64_t> seed)
    : Initializer("HeNormal", variance_scaling_fn(2.0, "fan_in", "truncated_normal", seed), fan_config(seed)) {}
LecunUniform::LecunUniform(std::optional<uint64_t> seed)
    : Initializer("LecunUniform", variance_scaling_fn(1.0, "fan_in", "uniform", seed), fan_config(seed)) {}
LecunNormal::LecunNormal(std::optional<uint64_t> seed)
    : Initializer("LecunNormal", variance_scaling_fn(1.0, "fan_in", "truncated_normal", seed), fan_config(seed)) {}

Orthogonal::Orthogonal(double gain, std::optional<uint64_t> seed)
    : Initializer("Orthogonal",
                  [=](const Shape& s, DType) {
                    if (s.rank() < 2)
                      throw ValueError(cat("The tensor to initialize must be at least two-dimensional. Received: shape=",
                                           s.to_string(), " (Orthogonal)"));
                    const int64_t cols = s.dim(-1), rows = s.num_elements() / cols;
                    // Gram-Schmidt on the columns of a tall normal draw gives Q of its QR with
                    // diag(R) > 0, the sign convention Keras applies.
                    const int64_t m = std::max(rows, cols), n = std::min(rows, cols);
                    const auto draw = random::normal(Shape{m, n}, 0.0, 1.0, seed).to_vector<double>();
                    std::vector<double> q(draw.begin(), draw.end());  // (m, n) row-major
                    for (int64_t j = 0; j < n; ++j)
                      for (int pass = 0; pass < 2; ++pass) {  // twice is enough for orthogonality in double
                        for (int64_t k = 0; k < j; ++k) {
                          double dot = 0;
                          for (int64_t i = 0; i < m; ++i) dot += q[i * n + k] * q[i * n + j];
                          for (int64_t i = 0; i < m; ++i) q[i * n + j] -= dot * q[i * n + k];
                        }
                        double norm = 0;
                        for (int64_t i = 0; i < m; ++i) norm += q[i * n + j] * q[i * n + j];
                        norm = std::sqrt(norm);
                        for (int64_t i = 0; i < m; ++i) q[i * n + j] /= norm;
                      }
                    std::vector<float> out(static_cast<size_t>(rows * cols));
                    for (int64_t r = 0; r < rows; ++r)
                      for (int64_t c = 0; c < cols; ++c)  // tall: Q itself; wide: its transpose
                        out[static_cast<size_t>(r * cols + c)] =
                            static_cast<float>(gain * (rows >= cols ? q[r * n + c] : q[c * n + r]));
                    return Tensor::from_vector(out, s);
                  },
                  {{"seed", seed_value(seed)}, {"gain", gain}}) {}

namespace {
std::optional<uint64_t> seed_of(const ConfigMap& c) {
  const ConfigValue* v = config_find(c, "seed");
  if (!v || std::holds_alternative<std::nullptr_t>(*v)) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(v)) return static_cast<uint64_t>(*i);
  if (const auto* d = std::get_if<double>(v)) return static_cast<uint64_t>(*d);
  throw ValueError("Initializer config: `seed` must be an integer or null");
}
double number_of(const ConfigMap& c, const std::string& key, double fallback) {
  const ConfigValue* v = config_find(c, key);
  if (!v) return fallback;
  if (const auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(v)) return *d;
  throw ValueError(cat("Initializer config: `", key, "` must be a number"));
}
std::string string_of(const ConfigMap& c, const std::string& key, const std::string& fallback) {
  const ConfigValue* v = config_find(c, key);
  if (!v) return fallback;
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  throw ValueError(cat("Initializer config: `", key, "` must be a string"));
}
}  // namespace

Initializer Initializer::from_config(const std::string& class_name, const ConfigMap& c) {
  const std::string n = utils::canonical_name(class_name);
  const auto seed = seed_of(c);
  if (n == "glorotuniform") return GlorotUniform(seed);
  if (n == "glorotnormal") return GlorotNormal(seed);
  if (n == "heuniform") return HeUniform(seed);
  if (n == "henormal") return HeNormal(seed);
  if (n == "lecununiform") return LecunUniform(seed);
  if (n == "lecunnormal") return LecunNormal(seed);
  if (n == "zeros" || n == "zero") return Zeros();
  if (n == "ones" || n == "one") return Ones();
  if (n == "constant") return Constant(number_of(c, "value", 0.0));
  if (n == "randomnormal") return RandomNormal(number_of(c, "mean", 0.0), number_of(c, "stddev", 0.05), seed);
  if (n == "randomuniform") return RandomUniform(number_of(c, "minval", -0.05), number_of(c, "maxval", 0.05), seed);
  if (n == "truncatednormal") return TruncatedNormal(number_of(c, "mean", 0.0), number_of(c, "stddev", 0.05), seed);
  if (n == "orthogonal") return Orthogonal(number_of(c, "gain", 1.0), seed);
  if (n == "variancescaling")
    return VarianceScaling(number_of(c, "scale", 1.0), string_of(c, "mode", "fan_in"),
                           string_of(c, "distribution", "truncated_normal"), seed);
  return Initializer(class_name);  // throws with the list of known names
}

}  // namespace keras::initializers
