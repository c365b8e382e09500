// Dtype policies and mixed precision (keras/mixed_precision/policy.h), as Keras 3 has them
// (keras/src/dtype_policies/dtype_policy.py, keras/src/layers/layer.py's autocast,
// keras/src/trainers/trainer.py's auto_scale_loss): layers compute in 16 bits, keep
// float32 variables, and train to the accuracy of float32.
#include <cstdio>

#include "test_utils.h"

namespace keras {
namespace {

using namespace layers;
using mixed_precision::DTypePolicy;

/// The message of what `f` throws as E ("" when it throws nothing).
template <class E, class F>
std::string thrown(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

/// Sets the global policy for one test and puts float32 back after it.
struct GlobalPolicy {
  explicit GlobalPolicy(const DTypePolicy& p) { mixed_precision::set_global_policy(p); }
  ~GlobalPolicy() { mixed_precision::set_global_policy("float32"); }
};

TEST(DTypePolicy, NamesComputeAndVariableDtypes) {
  const DTypePolicy bf("mixed_bfloat16"), f16("mixed_float16"), f32(DType::float32), plain("bfloat16");
  EXPECT_EQ(bf.compute_dtype(), DType::bfloat16);
  EXPECT_EQ(bf.variable_dtype(), DType::float32);
  EXPECT_TRUE(bf.is_mixed());
  EXPECT_EQ(f16.compute_dtype(), DType::float16);
  EXPECT_EQ(f16.variable_dtype(), DType::float32);
  EXPECT_EQ(f32.name(), "float32");
  EXPECT_FALSE(f32.is_mixed());
  EXPECT_EQ(plain.compute_dtype(), DType::bfloat16);
  EXPECT_EQ(plain.variable_dtype(), DType::bfloat16);
  EXPECT_NE(thrown<ValueError>([] { DTypePolicy("mixed_float64"); }).find("'mixed_float64'"), std::string::npos);
  EXPECT_NE(thrown<ValueError>([] { mixed_precision::set_global_policy("int32"); }).find("floating point policy"),
            std::string::npos);
  EXPECT_EQ(mixed_precision::global_policy().name(), "float32");
}

TEST(DTypePolicy, TheGlobalPolicyIsWhatNewLayersTake) {
  EXPECT_EQ(mixed_precision::global_policy().name(), "float32");
  Dense before(3);
  {
    GlobalPolicy g("mixed_bfloat16");
    EXPECT_EQ(config::dtype_policy().name(), "mixed_bfloat16");
    Dense after(3);
    EXPECT_EQ(after.dtype_policy().name(), "mixed_bfloat16");
    EXPECT_EQ(after.compute_dtype(), DType::bfloat16);
    EXPECT_EQ(after.dtype(), DType::float32);
    Dense own(3, DenseOptions{.dtype = "float32"});  // a layer's own dtype wins
    EXPECT_EQ(own.compute_dtype(), DType::float32);
    // Inputs stay float32, as keras.Input's default dtype is floatx.
    EXPECT_EQ(Input({4}).dtype, DType::float32);
  }
  EXPECT_EQ(before.dtype_policy().name(), "float32");
}

TEST(MixedPrecision, ADenseLayerComputesIn16BitsFromFloat32Variables) {
  for (const char* policy : {"mixed_bfloat16", "mixed_float16"}) {
    auto dense = std::make_shared<Dense>(5, DenseOptions{.activation = "relu", .dtype = policy});
    const Tensor x = testing::random_tensor({4, 6}, 1);
    const Tensor y = (*dense)(x);
    const DType half = DTypePolicy(policy).compute_dtype();
    EXPECT_EQ(y.dtype(), half) << policy;
    ASSERT_EQ(dense->weights().size(), 2u);
    for (const Variable& v : dense->weights()) EXPECT_EQ(v.dtype(), DType::float32) << policy;
    // The same layer in float32 on the inputs and weights rounded to 16 bits: each output
    // is that float32 result rounded once (products and sums accumulate in float32).
    auto round = [half](const Tensor& t) { return t.astype(half).astype(DType::float32); };
    const Tensor want = ops::relu(
        ops::add(ops::matmul(round(x), round(dense->weights()[0].value())), round(dense->weights()[1].value())));
    testing::expect_allclose(y.astype(DType::float32), round(want), 1e-6, 1e-2, policy);
  }
}

TEST(MixedPrecision, GradientsReachTheFloat32VariablesThroughTheCast) {
  utils::set_random_seed(3);
  auto dense = std::make_shared<Dense>(3, DenseOptions{.dtype = "mixed_bfloat16"});
  const Tensor x = testing::random_tensor({8, 4}, 2);
  (*dense)(x);
  const std::vector<Variable> w = dense->trainable_weights();
  TensorList grads;
  {
    autograd::GradientTape tape;
    const Tensor loss = ops::sum(ops::square((*dense)(x).astype(DType::float32)));
    grads = tape.gradient(loss, {w[0].value(), w[1].value()});
  }
  ASSERT_EQ(grads.size(), 2u);
  EXPECT_EQ(grads[0].dtype(), DType::float32);
  EXPECT_EQ(grads[1].dtype(), DType::float32);
  // d/dW sum((xW + b)^2) = 2 x^T (xW + b), in float32 on the same weights.
  const Tensor y32 = ops::add(ops::matmul(x, w[0].value().detach()), w[1].value().detach());
  const Tensor dw = ops::matmul(ops::transpose(x), y32) * 2.0;
  testing::expect_allclose(grads[0], dw, 0.05, 0.03, "kernel gradient");
  testing::expect_allclose(grads[1], ops::sum(y32, std::vector<int64_t>{0}) * 2.0, 0.05, 0.03, "bias gradient");
}

TEST(MixedPrecision, LayersOfTheirOwnDtypeInAMixedModelAndBatchNormalizationInFloat32) {
  GlobalPolicy g("mixed_bfloat16");
  utils::set_random_seed(4);
  auto bn = std::make_shared<BatchNormalization>();
  auto out = std::make_shared<Dense>(2, DenseOptions{.activation = "softmax", .dtype = "float32"});
  auto in = Input({6});
  KerasTensors h = (*std::make_shared<Dense>(8))(in);
  h = (*bn)(h);
  auto model = std::make_shared<models::Model>(in, (*out)(h));
  EXPECT_EQ(model->dtype_policy().name(), "mixed_bfloat16");
  EXPECT_EQ(h[0].dtype, DType::bfloat16);
  const Tensor x = testing::random_tensor({16, 6}, 5);
  const Tensor y = model->call({x}, CallContext{.training = true})[0];
  EXPECT_EQ(y.dtype(), DType::float32);  // the float32 output layer
  for (const Variable& v : bn->weights()) EXPECT_EQ(v.dtype(), DType::float32);
  // Training-mode statistics moved from their initial values, in float32.
  EXPECT_NE(bn->moving_mean().value().to_vector<float>(), std::vector<float>(8, 0.f));
}

TEST(MixedPrecision, ConfigsCarryThePolicyAndFilesKeepIt) {
  GlobalPolicy g("mixed_bfloat16");
  Sequential model({Input({5}), Dense(4, "relu"), Dense(3, DenseOptions{.activation = "softmax", .dtype = "float32"})});
  const auto c = saving::get_config(model);
  const auto& layers = c["layers"];
  EXPECT_EQ(layers[1]["config"]["dtype"]["class_name"], "DTypePolicy");
  EXPECT_EQ(layers[1]["config"]["dtype"]["config"]["name"], "mixed_bfloat16");
  EXPECT_EQ(layers[2]["config"]["dtype"]["config"]["name"], "float32");
  const std::string path = testing::temp_dir() + "/mixed.keras";
  saving::save_model(model, path);
  mixed_precision::set_global_policy("float32");  // the file, not the global policy, decides
  auto loaded = saving::load_model(path);
  const Tensor x = testing::random_tensor({2, 5}, 6);
  EXPECT_EQ(loaded->layers()[0]->dtype_policy().name(), "mixed_bfloat16");
  EXPECT_EQ(loaded->layers()[1]->dtype_policy().name(), "float32");
  testing::expect_allclose(loaded->predict(x, {.verbose = 0}), model.predict(x, {.verbose = 0}), 0, 0, "reloaded");
  std::remove(path.c_str());
}

/// The per-epoch losses of a small regression (y = sum(x)) trained under `policy`.
std::vector<double> regression_losses(const char* policy, std::string* optimizer_class = nullptr) {
  GlobalPolicy g(policy);
  utils::set_random_seed(1);
  Sequential model({Input({4}), Dense(8, "relu"), Dense(1)});
  model.compile(optimizers::SGD({.learning_rate = 0.05}), "mse");
  if (optimizer_class) *optimizer_class = model.optimizer()->class_name();
  const Tensor x = testing::random_tensor({64, 4}, 7);
  const Tensor y = ops::sum(x, std::vector<int64_t>{1}, /*keepdims=*/true);
  return model.fit(x, y, {.batch_size = 16, .epochs = 20, .verbose = 0}).history.at("loss");
}

TEST(MixedPrecision, Float16ModelsTrainWithALossScaleOptimizerAsKerasWrapsOne) {
  std::string wrapped;
  const std::vector<double> f16 = regression_losses("mixed_float16", &wrapped);
  EXPECT_EQ(wrapped, "LossScaleOptimizer");
  {
    GlobalPolicy g("mixed_float16");
    Sequential plain({Input({4}), Dense(1)});
    plain.compile(models::CompileOptions{.optimizer = "sgd", .loss = losses::Loss("mse"), .auto_scale_loss = false});
    EXPECT_EQ(plain.optimizer()->class_name(), "SGD");
  }
  // Scaled float16 gradients train as float32 does, within float16's rounding.
  const std::vector<double> f32 = regression_losses("float32"), bf16 = regression_losses("mixed_bfloat16");
  ASSERT_EQ(f16.size(), f32.size());
  EXPECT_LT(f32.back(), 0.5 * f32.front());
  EXPECT_NEAR(f16.back(), f32.back(), 0.02 * f32.front());
  EXPECT_NEAR(bf16.back(), f32.back(), 0.05 * f32.front());
}

TEST(MixedPrecision, ASmallCnnInMixedBfloat16ReachesTheAccuracyOfFloat32) {
  // The recipe of FitFashionMnist.SmallCnnWithDropoutTrains (float32: >= 0.78).
  GlobalPolicy g("mixed_bfloat16");
  utils::set_random_seed(2);
  auto [train, test] = datasets::fashion_mnist::load_data();
  auto prep = [](const Tensor& x) { return (x.astype(DType::float32) / 255.0).reshape({-1, 28, 28, 1}); };
  const Tensor x_train = prep(train.first.slice(0, 6000)), y_train = train.second.slice(0, 6000);
  const Tensor x_test = prep(test.first.slice(0, 1000)), y_test = test.second.slice(0, 1000);
  Sequential model({Input({28, 28, 1}), Conv2D(8, 3, {.activation = "relu"}), MaxPooling2D(), Dropout(0.25), Flatten(),
                    Dense(10, "softmax")});
  model.compile(optimizers::Adam({.learning_rate = 2e-3}), "sparse_categorical_crossentropy", {"accuracy"});
  model.fit(x_train, y_train, {.batch_size = 32, .epochs = 2, .verbose = 0});
  for (const Variable& v : model.weights()) EXPECT_EQ(v.dtype(), DType::float32);
  EXPECT_EQ(model.predict(x_test.slice(0, 4), {.verbose = 0}).dtype(), DType::bfloat16);
  const double acc = model.evaluate(x_test, y_test, {.batch_size = 256, .verbose = 0, .callbacks = {}}).at("accuracy");
  EXPECT_GE(acc, 0.78) << "test accuracy " << acc;
}

}  // namespace
}  // namespace keras
