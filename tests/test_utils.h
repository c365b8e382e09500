// Shared test helpers: Keras reference cases, closeness checks, finite-difference
// gradient checks.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "keras/keras.h"

namespace keras::testing {

/// tests/data (set by CMake).
std::string data_dir();
/// A scratch directory for this test process (created on first use).
std::string temp_dir();

/// One folder of tests/data/keras_cases (copied from ../shared/keras_cases).
struct KerasCase {
  std::string name;
  std::vector<Tensor> inputs, outputs;
  /// Weights per layer, in the model's layer order (weights.json).
  std::vector<std::pair<std::string, std::vector<Tensor>>> layer_weights;
  double atol = 1e-5, rtol = 1e-5;
};
KerasCase load_case(const std::string& name);

/// |got - expected| <= atol + rtol * |expected| everywhere, shapes equal (numpy.allclose).
void expect_allclose(const Tensor& got, const Tensor& expected, double atol, double rtol, const std::string& what = "");

/// A float32 tensor of uniform values in [low, high), reproducible by seed. With
/// `away_from_zero`, values closer than 0.05 to zero are pushed out (keeps finite
/// differences off the kinks of relu-like functions).
Tensor random_tensor(const Shape& shape, uint64_t seed, double low = -1.0, double high = 1.0,
                     bool away_from_zero = false);

/// Distinct values spaced 0.02 apart in a shuffled order: max-like ops have no near
/// ties for finite differences to cross.
Tensor distinct_tensor(const Shape& shape, uint64_t seed);

/// Compares the tape's gradient of sum(f(inputs) * w) (w random) with respect to every
/// input that requires grad against central finite differences in double precision.
void check_gradients(const std::function<Tensor(const TensorList&)>& f, TensorList inputs, double eps = 1e-3,
                     double atol = 2e-3, double rtol = 2e-2);

/// check_gradients for a layer: with respect to its input and every trainable weight.
void check_layer_gradients(layers::Layer& layer, Tensor x, bool training = false, double atol = 2e-3,
                           double rtol = 2e-2);

/// Keras's run_layer_test: for a fresh layer from `make`, checks the output shape on
/// `input_shape`, the tape's gradients on the input and every trainable weight against
/// finite differences (in training mode when `training`), that get_config/from_config
/// rebuilds a layer giving the same outputs, and that it trains inside a model.
void run_layer_test(const std::function<layers::LayerHandle()>& make, const Shape& input_shape,
                    const Shape& expected_output_shape, bool training = false, uint64_t seed = 1,
                    bool distinct_inputs = false);

/// Runs `fn` and expects a keras exception of type E whose message contains every part.
template <class E, class Fn>
void expect_error(Fn&& fn, const std::vector<std::string>& parts) {
  try {
    fn();
    ADD_FAILURE() << "expected an exception";
  } catch (const E& e) {
    const std::string msg = e.what();
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "message \"" << msg << "\" lacks \"" << p << "\"";
  }
}

/// Sets each layer's weights of `model` from the case's weights (in layer order).
void set_case_weights(models::Model& model, const KerasCase& c);

}  // namespace keras::testing
