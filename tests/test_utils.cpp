#include "test_utils.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "keras/saving/saving.h"

namespace keras::testing {

// KERAS_TEST_DATA_DIR in the environment: a test program run away from its source tree
// (scripts/gpu_check.sh runs one built on another machine).
std::string data_dir() {
  const char* moved = std::getenv("KERAS_TEST_DATA_DIR");
  return moved && *moved ? moved : KERAS_TEST_DATA_DIR;
}

std::string temp_dir() {
  const auto dir = std::filesystem::temp_directory_path() / ("keras_tests_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

KerasCase load_case(const std::string& name) {
  KerasCase c;
  c.name = name;
  const std::string dir = data_dir() + "/keras_cases/" + name;
  std::ifstream meta_file(dir + "/meta.json");
  if (!meta_file) throw std::runtime_error("missing case " + dir);
  const auto meta = nlohmann::json::parse(meta_file);
  c.atol = meta.at("atol").get<double>();
  c.rtol = meta.at("rtol").get<double>();
  for (int i = 0;; ++i) {
    const std::string p = dir + "/input_" + std::to_string(i) + ".npy";
    if (!std::ifstream(p)) break;
    c.inputs.push_back(load_npy(p));
  }
  for (int i = 0;; ++i) {
    const std::string p = dir + "/output_" + std::to_string(i) + ".npy";
    if (!std::ifstream(p)) break;
    c.outputs.push_back(load_npy(p));
  }
  std::ifstream wf(dir + "/weights.json");
  const auto wj = nlohmann::json::parse(wf);
  for (const auto& layer : wj.at("layers")) {
    std::vector<Tensor> ws;
    for (const auto& w : layer.at("weights")) ws.push_back(load_npy(dir + "/" + w.at("file").get<std::string>()));
    c.layer_weights.emplace_back(layer.at("name").get<std::string>(), ws);
  }
  return c;
}

void expect_allclose(const Tensor& got, const Tensor& expected, double atol, double rtol, const std::string& what) {
  ASSERT_EQ(got.shape(), expected.shape()) << what << ": shape " << got.shape().to_string() << " vs expected "
                                           << expected.shape().to_string();
  const auto g = got.to_vector<double>(), e = expected.to_vector<double>();
  int bad = 0;
  for (size_t i = 0; i < g.size(); ++i) {
    const bool ok = std::fabs(g[i] - e[i]) <= atol + rtol * std::fabs(e[i]);
    if (!ok && ++bad <= 5)
      ADD_FAILURE() << what << ": element " << i << " is " << g[i] << ", expected " << e[i] << " (atol " << atol
                    << ", rtol " << rtol << ")";
  }
  EXPECT_EQ(bad, 0) << what << ": " << bad << " of " << g.size() << " elements differ";
}

Tensor random_tensor(const Shape& shape, uint64_t seed, double low, double high, bool away_from_zero) {
  Tensor t = random::uniform(shape, low, high, seed);
  if (away_from_zero) {
    float* p = t.data<float>();
    for (int64_t i = 0; i < t.size(); ++i)
      if (std::fabs(p[i]) < 0.05f) p[i] = p[i] < 0 ? p[i] - 0.1f : p[i] + 0.1f;
  }
  return t;
}

Tensor distinct_tensor(const Shape& shape, uint64_t seed) {
  const int64_t n = shape.num_elements();
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = 0.02f * static_cast<float>(i - n / 2);
  uint64_t s = seed * 2654435761ull + 1;
  for (int64_t i = n - 1; i > 0; --i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    std::swap(v[static_cast<size_t>(i)], v[static_cast<size_t>((s >> 33) % static_cast<uint64_t>(i + 1))]);
  }
  return Tensor::from_vector(v, shape);
}

void check_gradients(const std::function<Tensor(const TensorList&)>& f, TensorList inputs, double eps, double atol,
                     double rtol) {
  // Analytic: d/dx sum(f(x) * w).
  Tensor w;
  TensorList analytic;
  {
    autograd::GradientTape tape;
    for (auto& x : inputs)
      if (x.requires_grad()) tape.watch(x);
    Tensor y = f(inputs);
    w = random_tensor(y.shape(), 4242, -1.0, 1.0);
    analytic = tape.gradient(y, inputs, w);
  }
  const auto wv = w.to_vector<double>();
  auto objective = [&]() {
    Tensor y = f(inputs);
    const auto yv = y.to_vector<double>();
    double s = 0;
    for (size_t i = 0; i < yv.size(); ++i) s += yv[i] * wv[i];
    return s;
  };
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (!inputs[k].requires_grad()) continue;
    ASSERT_TRUE(analytic[k].defined()) << "no gradient for input " << k;
    ASSERT_EQ(analytic[k].shape(), inputs[k].shape()) << "gradient shape for input " << k;
    const auto a = analytic[k].to_vector<double>();
    float* p = inputs[k].data<float>();
    int bad = 0;
    for (int64_t i = 0; i < inputs[k].size(); ++i) {
      const float saved = p[i];
      // note_written: the input may be a Variable's value, whose convolution kernel the
      // backend keeps reordered until the value changes.
      p[i] = saved + static_cast<float>(eps);
      inputs[k].note_written();
      const double up = objective();
      p[i] = saved - static_cast<float>(eps);
      inputs[k].note_written();
      const double down = objective();
      p[i] = saved;
      inputs[k].note_written();
      const double numeric = (up - down) / (2 * eps);
      if (std::fabs(numeric - a[static_cast<size_t>(i)]) > atol + rtol * std::fabs(numeric) && ++bad <= 5)
        ADD_FAILURE() << "input " << k << " element " << i << ": tape gradient " << a[static_cast<size_t>(i)]
                      << ", finite difference " << numeric;
    }
    EXPECT_EQ(bad, 0) << "input " << k << ": " << bad << " of " << inputs[k].size() << " gradient entries differ";
  }
}

void check_layer_gradients(layers::Layer& layer, Tensor x, bool training, double atol, double rtol) {
  x.set_requires_grad(true);
  layer(x, training);  // build
  TensorList inputs{x};
  for (const auto& w : layer.trainable_weights()) inputs.push_back(w.value());
  check_gradients([&](const TensorList& in) { return layer(in[0], training); }, inputs, 1e-3, atol, rtol);
}

void run_layer_test(const std::function<layers::LayerHandle()>& make, const Shape& input_shape,
                    const Shape& expected_output_shape, bool training, uint64_t seed, bool distinct_inputs) {
  layers::LayerHandle layer = make();
  Tensor x = distinct_inputs ? distinct_tensor(input_shape, seed) : random_tensor(input_shape, seed, -1.0, 1.0, true);
  const Tensor y = (*layer)(x, false);
  EXPECT_EQ(y.shape(), expected_output_shape) << layer->name();
  Shape symbolic = input_shape;
  symbolic[0] = kNone;
  Shape want = expected_output_shape;
  want[0] = kNone;
  EXPECT_EQ(layer->compute_output_shape(std::vector<Shape>{symbolic}).at(0), want) << layer->name() << " symbolic shape";

  check_layer_gradients(*layer, x, training);

  // Config round trip: same config, same numbers.
  const auto entry = saving::serialize_layer(*layer);
  auto copy = saving::deserialize_layer(entry);
  (*copy)(x, false);
  copy->set_weights(layer->get_weights());
  expect_allclose((*copy)(x, false), (*layer)(x, false), 1e-6, 1e-6, layer->name() + " after from_config");
  auto config_a = saving::get_config(*layer), config_b = saving::get_config(*copy);
  EXPECT_EQ(config_a.dump(), config_b.dump()) << "get_config differs after from_config";

  // One training step inside a model.
  layers::LayerHandle fresh = make();
  Sequential model({Input(input_shape.slice(1)), fresh});
  model.compile("sgd", "mse");
  const double loss = model.train_on_batch(x, Tensor::zeros(expected_output_shape)).at("loss");
  EXPECT_TRUE(std::isfinite(loss)) << layer->name() << " loss " << loss;
}

void set_case_weights(models::Model& model, const KerasCase& c) {
  const auto layers = model.layers();
  ASSERT_EQ(layers.size(), c.layer_weights.size()) << "layer count differs from the case's weights.json";
  for (size_t i = 0; i < layers.size(); ++i) {
    // Same layers in the same order as Keras lists them.
    EXPECT_EQ(layers[i]->name(), c.layer_weights[i].first) << "layer " << i;
    layers[i]->set_weights(c.layer_weights[i].second);
  }
}

}  // namespace keras::testing
