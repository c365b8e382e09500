#include "keras/layers/normalization/spectral_normalization.h"

#include <cmath>

#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;
using testing::run_layer_test;

/// Keras's power iteration in double precision on W as a (rows, cols) matrix, from u
/// (1, cols): returns (new u, sigma).
std::pair<std::vector<double>, double> power_iteration(const std::vector<double>& w, size_t rows, size_t cols,
                                                       std::vector<double> u, int iterations) {
  auto normalized = [](std::vector<double> a) {
    double n = 0;
    for (double x : a) n += x * x;
    for (double& x : a) x /= std::sqrt(n);
    return a;
  };
  std::vector<double> v(rows);
  for (int it = 0; it < iterations; ++it) {
    for (size_t r = 0; r < rows; ++r) {
      v[r] = 0;
      for (size_t c = 0; c < cols; ++c) v[r] += u[c] * w[r * cols + c];
    }
    v = normalized(v);
    for (size_t c = 0; c < cols; ++c) {
      u[c] = 0;
      for (size_t r = 0; r < rows; ++r) u[c] += v[r] * w[r * cols + c];
    }
    u = normalized(u);
  }
  double sigma = 0;
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) sigma += v[r] * w[r * cols + c] * u[c];
  return {u, sigma};
}

TEST(SpectralNormalization, RunLayerTest) {
  run_layer_test([] { return LayerHandle(SpectralNormalization(Dense(4))); }, {3, 6}, {3, 4});
  run_layer_test([] { return LayerHandle(SpectralNormalization(Conv2D(3, 3), {.power_iterations = 2})); }, {2, 5, 5, 2},
                 {2, 3, 3, 3}, false, 2);
}

TEST(SpectralNormalization, WeightsInKerasOrder) {
  SpectralNormalization sn(Dense(4, {.name = "dense_in"}), {.name = "sn"});
  sn.build_for({Shape{kNone, 6}});
  const auto ws = sn.weights();
  ASSERT_EQ(ws.size(), 3u);  // the kernel once, though both layers track it
  EXPECT_EQ(ws[0].path(), "dense_in/kernel");
  EXPECT_EQ(ws[1].path(), "sn/vector_u");
  EXPECT_EQ(ws[1].shape(), (Shape{1, 4}));
  EXPECT_FALSE(ws[1].trainable());
  EXPECT_EQ(ws[2].path(), "dense_in/bias");
  ASSERT_EQ(sn.own_weights().size(), 2u);  // saved in the wrapper's vars: kernel, vector_u
  EXPECT_EQ(sn.own_weights()[0], ws[0]);
  EXPECT_EQ(sn.trainable_weights().size(), 2u);
  EXPECT_EQ(sn.count_params(), 6 * 4 + 4 + 4);
}

TEST(SpectralNormalization, TrainingNormalizesTheKernelInferenceUsesItAsStored) {
  for (int iterations : {1, 3}) {
    SCOPED_TRACE(iterations);
    SpectralNormalization sn(Dense(4), {.power_iterations = iterations});
    const Tensor x = testing::random_tensor({3, 6}, 4);
    sn.build_for({Shape{kNone, 6}});
    const Tensor kernel = testing::random_tensor({6, 4}, 5), u = testing::random_tensor({1, 4}, 6);
    const Tensor bias = testing::random_tensor({4}, 7);
    sn.set_weights({kernel, u, bias});
    // Inference: the stored kernel, u untouched.
    const Tensor plain = ops::add(ops::matmul(x, kernel), bias);
    testing::expect_allclose(sn(x, false), plain, 1e-6, 1e-6, "inference");
    EXPECT_EQ(sn.vector_u().value().to_vector<float>(), u.to_vector<float>());
    // Training: one power-iteration update of u, the kernel divided by sigma.
    const auto [u_new, sigma] = power_iteration(kernel.to_vector<double>(), 6, 4, u.to_vector<double>(), iterations);
    const Tensor y = sn(x, true);
    const auto got_u = sn.vector_u().value().to_vector<double>();
    for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(got_u[i], u_new[i], 1e-5);
    const Tensor want_kernel = ops::divide(kernel, Tensor::scalar(sigma));
    testing::expect_allclose(sn.weights()[0].value(), want_kernel, 1e-6, 1e-5, "normalized kernel");
    testing::expect_allclose(y, ops::add(ops::matmul(x, want_kernel), bias), 1e-5, 1e-5, "training output");
    // The gradient reaches the kernel as the wrapped layer's.
    testing::check_layer_gradients(sn, x);
  }
}

TEST(SpectralNormalization, RepeatedTrainingBringsTheSpectralNormToOne) {
  SpectralNormalization sn(Conv2D(4, 2));
  const Tensor x = testing::random_tensor({2, 4, 4, 3}, 8);
  for (int i = 0; i < 30; ++i) sn(x, true);
  const Tensor k = sn.weights()[0].value();
  // The largest singular value of the stored kernel, by many power iterations.
  std::vector<double> u(4, 1.0);
  const auto [_, sigma] = power_iteration(k.to_vector<double>(), 2 * 2 * 3, 4, u, 200);
  EXPECT_NEAR(sigma, 1.0, 1e-3);
}

TEST(SpectralNormalization, ZeroKernelAndEmbeddings) {
  SpectralNormalization sn(Dense(3));
  sn.build_for({Shape{kNone, 2}});
  sn.set_weights({Tensor::zeros({2, 3}), Tensor::ones({1, 3}), Tensor::zeros({3})});
  const Tensor y = sn(Tensor::ones({1, 2}), true);  // all-zero kernel: nothing changes, no NaN
  EXPECT_EQ(y.to_vector<float>(), std::vector<float>(3, 0.0f));
  EXPECT_EQ(sn.vector_u().value().to_vector<float>(), std::vector<float>(3, 1.0f));
  // Embedding: its embeddings matrix is the kernel.
  SpectralNormalization emb(Embedding(10, 4));
  emb(Tensor::from_vector(std::vector<int32_t>{1, 2, 3}, Shape{1, 3}), true);
  EXPECT_EQ(emb.weights()[0].name(), "embeddings");
  EXPECT_EQ(emb.vector_u().shape(), (Shape{1, 4}));
}

TEST(SpectralNormalization, ConfigAndSaving) {
  SpectralNormalization sn(Dense(4, {.name = "d"}), {.power_iterations = 2, .name = "sn"});
  sn.build_for({Shape{kNone, 6}});
  const Config c = saving::get_config(sn);
  std::vector<std::string> keys;
  for (auto it = c.begin(); it != c.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "trainable", "dtype", "layer", "power_iterations"}));
  EXPECT_EQ(c["layer"]["class_name"], "Dense");
  EXPECT_EQ(c["power_iterations"], 2);
  // vector_u and the kernel survive both file formats.
  for (const std::string ext : {".keras", ".h5"}) {
    SCOPED_TRACE(ext);
    Sequential model({Input({6}), SpectralNormalization(Dense(4))});
    model.compile("sgd", "mse");
    const Tensor x = testing::random_tensor({2, 6}, 9);
    model.train_on_batch(x, Tensor::zeros({2, 4}));  // moves u and the kernel
    const std::string path = testing::temp_dir() + "/spectral" + ext;
    model.save(path);
    auto loaded = saving::load_model(path);
    const auto want = model.get_weights(), got = loaded->get_weights();
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i)
      testing::expect_allclose(got[i], want[i], 0, 0, "weight " + std::to_string(i));
    testing::expect_allclose(loaded->predict(x, {.batch_size = 32, .verbose = 0, .callbacks = {}}),
                             model.predict(x, {.batch_size = 32, .verbose = 0, .callbacks = {}}), 1e-6, 1e-6,
                             "predict");
  }
}

TEST(SpectralNormalization, Errors) {
  expect_error<ValueError>([] { SpectralNormalization(Dense(2), {.power_iterations = 0}); },
                           {"power_iterations", "greater than zero"});
  SpectralNormalization no_kernel(Flatten(), {.name = "sn_flat"});
  expect_error<ValueError>(
      [&] {
        no_kernel(Tensor::ones({2, 3}));
      },
      {"Flatten", "'kernel' nor 'embeddings'", "sn_flat"});
}

}  // namespace
}  // namespace keras::layers
