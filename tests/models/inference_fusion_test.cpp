// At inference a Functional model runs Conv -> BatchNormalization -> Add -> activation
// chains as one convolution with post-ops (src/models/inference_fusion.h). The fused
// model must give the unfused numbers (to float32 rounding), never fuse what another
// step still reads, never write into a tensor someone else holds, and step aside where
// the chain's layers would do something the fused kernel does not (a subclass's call,
// an activity penalty, a gradient).
#include "models/inference_fusion.h"

#include "backend/cpu/onednn/onednn.h"
#include "keras/autograd/gradient_tape.h"
#include "test_utils.h"

namespace keras {
namespace {

using namespace layers;

/// Gives every BatchNormalization of the model statistics far from the identity.
void randomize_norms(Model& model, uint64_t seed) {
  for (const auto& layer : model.layers()) {
    if (!dynamic_cast<BatchNormalization*>(layer.get())) continue;
    std::vector<Tensor> w = layer->get_weights();  // gamma?, beta?, moving_mean, moving_variance
    for (size_t i = 0; i < w.size(); ++i) {
      const bool variance = i + 1 == w.size();
      w[i] = testing::random_tensor(w[i].shape(), seed++, variance ? 0.2 : -1.5, variance ? 3.0 : 1.5);
    }
    layer->set_weights(w);
  }
}

/// The model's output run step by step: a GradientTape records, so nothing fuses.
TensorList unfused(Model& model, const Tensor& x) {
  autograd::GradientTape tape;
  return model(TensorList{x}, false);
}

/// What predict_on_batch gives, and how many chains ran fused for it.
std::pair<TensorList, size_t> fused(Model& model, const Tensor& x) {
  const size_t before = models::fusion::fused_runs();
  TensorList out = model(TensorList{x}, false);
  return {out, models::fusion::fused_runs() - before};
}

/// Runs a one-output model fused and unfused: `chains` chains ran fused and the outputs
/// agree within atol/rtol (compared in float32). Returns {fused, unfused}.
std::pair<Tensor, Tensor> expect_fuses_like_the_layers(Model& model, const Tensor& in, size_t chains, double atol,
                                                       double rtol) {
  const Tensor want = unfused(model, in)[0];
  const auto [got, runs] = fused(model, in);
  EXPECT_EQ(runs, chains);
  testing::expect_allclose(got[0].astype(DType::float32), want.astype(DType::float32), atol, rtol);
  return {got[0], want};
}

TEST(InferenceFusion, ChainsOfEveryKindGiveTheUnfusedNumbers) {
  auto x = keras::Input({9, 9, 4});
  // conv (no bias) -> norm -> relu
  auto r = Activation("relu")(BatchNormalization()(Conv2D(8, 3, {.padding = "same", .use_bias = false})(x)));
  // ResNet's identity block: conv -> norm -> add(r) -> relu, r read by nothing later
  auto y = ReLU()(Add()({BatchNormalization()(Conv2D(8, 3, {.padding = "same"})(r)), r}));
  // MobileNetV2: depthwise -> norm -> relu6; EfficientNet: -> swish
  auto d = ReLU({.max_value = 6.0})(BatchNormalization()(DepthwiseConv2D(3, {.padding = "same"})(y)));
  auto e = Activation("swish")(BatchNormalization()(SeparableConv2D(8, 3, {.padding = "same"})(d)));
  // conv -> sigmoid, no norm
  auto f = Activation("sigmoid")(Conv2D(8, 1)(e));
  // conv -> norm -> add(f) with f read again afterwards: the sum may not go into f's buffer
  auto g = Add()({BatchNormalization({.center = false})(Conv2D(8, 1, {.strides = 1})(f)), f});
  auto joined = Concatenate()({g, f});
  // a strided conv whose raw output is also a model output: not fused
  auto raw = Conv2D(6, 3, {.strides = 2})(joined);
  auto normed = Activation("tanh")(BatchNormalization({.scale = false})(raw));
  Model model(x, {normed, raw}, "chains");
  randomize_norms(model, 7);

  const Tensor in = testing::random_tensor({3, 9, 9, 4}, 1, -2, 2);
  const TensorList want = unfused(model, in);
  const auto [got, runs] = fused(model, in);
  EXPECT_EQ(runs, 6u);  // r, y, d, e, f, g
  ASSERT_EQ(got.size(), 2u);
  testing::expect_allclose(got[0], want[0], 1e-5, 1e-4, "tanh(norm(conv))");
  testing::expect_allclose(got[1], want[1], 1e-5, 1e-4, "raw conv");
  // predict (batches, the progress bar off) takes the same path.
  const TensorList predicted = model.predict(TensorList{in}, {.batch_size = 2, .verbose = 0});
  testing::expect_allclose(predicted[0], want[0], 1e-5, 1e-4, "predict");
}

TEST(InferenceFusion, AResidualTheCallerHoldsIsNotWrittenInto) {
  auto x = keras::Input({6, 6, 4});
  auto y = ReLU()(Add()({BatchNormalization()(Conv2D(4, 3, {.padding = "same"})(x)), x}));
  Model model(x, y, "input_residual");
  randomize_norms(model, 3);
  const Tensor in = testing::random_tensor({2, 6, 6, 4}, 2);
  const Tensor copy = in.clone();
  expect_fuses_like_the_layers(model, in, 1, 1e-5, 1e-4);
  testing::expect_allclose(in, copy, 0, 0, "the model's input");
}

/// A Conv2D subclass with a call of its own: the fused kernel must not stand in for it.
class DoubledConv : public Concrete<DoubledConv, Conv2D> {
 public:
  using Concrete::Concrete;
  Tensor call(const Tensor& x, const CallContext& ctx) override { return Conv2D::call(x, ctx) * 2.0; }
};

TEST(InferenceFusion, StepsAsideForSubclassesPenaltiesAndGradients) {
  {
    auto x = keras::Input({5, 5, 2});
    Model model(x, Activation("relu")(DoubledConv(3, 3)(x)), "subclass");
    const Tensor in = testing::random_tensor({2, 5, 5, 2}, 4);
    const auto [got, runs] = fused(model, in);
    EXPECT_EQ(runs, 0u);
    testing::expect_allclose(got[0], unfused(model, in)[0], 1e-6, 1e-6);
  }
  // An activity regularizer's penalty is part of evaluate's loss: that chain runs unfused.
  auto x = keras::Input({5, 5, 2});
  auto h = BatchNormalization()(Conv2D(3, 3, {.activity_regularizer = "l2"})(x));
  Model model(x, Activation("relu")(h), "penalised");
  model.compile("sgd", losses::Loss("mse"));
  const Tensor in = testing::random_tensor({2, 5, 5, 2}, 5), target = Tensor::zeros({2, 3, 3, 3});
  const size_t before = models::fusion::fused_runs();
  const auto logs = model.evaluate(in, target, {.verbose = 0});
  EXPECT_EQ(models::fusion::fused_runs(), before);
  const Tensor out = unfused(model, in)[0];
  EXPECT_GT(logs.at("loss"), ops::mean(ops::square(out)).item<double>());  // mse plus the penalty
  // Training and a watching GradientTape run the layers themselves (their gradients).
  model.fit(in, target, {.epochs = 1, .verbose = 0});
  EXPECT_EQ(models::fusion::fused_runs(), before);
  // predict has no penalty to collect, but the chain still steps aside for the regularizer.
  model.predict(in, {.verbose = 0});
  EXPECT_EQ(models::fusion::fused_runs(), before);
}

TEST(InferenceFusion, AnInputTheConvolutionWasNotBuiltForIsRefusedAsTheLayerWould) {
  // A Lambda that declares 4 channels but returns 8: the Conv2D was built for 4. Called
  // by itself it refuses the input; the fused chain must not run it as a grouped
  // convolution instead.
  auto x = keras::Input({5, 5, 8});
  auto lied = Lambda([](const Tensor& t) { return t; }, {.output_shape = Shape{5, 5, 4}})(x);
  Model model(x, Activation("relu")(BatchNormalization()(Conv2D(8, 3)(lied))), "mismatch");
  const Tensor in = testing::random_tensor({2, 5, 5, 8}, 9);
  EXPECT_THROW(model.predict_on_batch(in), ValueError);
  EXPECT_THROW(unfused(model, in), ValueError);
}

TEST(InferenceFusion, AZeroPaddingBeforeAValidConvolutionBecomesItsPadding) {
  auto x = keras::Input({11, 11, 4});
  // ResNet's stem: 3 zeros each side, a 7x7 stride-2 convolution, norm, relu.
  auto stem = Activation("relu")(BatchNormalization()(Conv2D(6, 7, {.strides = 2})(ZeroPadding2D(3)(x))));
  // MobileNetV2 / EfficientNet before a strided depthwise: one more zero after than before.
  auto down = ReLU({.max_value = 6.0})(
      BatchNormalization()(DepthwiseConv2D(3, {.strides = 2})(ZeroPadding2D({{0, 1}, {1, 2}})(stem))));
  // Padding and a convolution alone form a chain too (the padded copy is what it saves).
  auto bare = Conv2D(5, 3, {.dilation_rate = 2})(ZeroPadding2D(2)(down));
  // Left as they were: "same" padding after the zeros; zeros read by a second layer.
  auto same = Activation("relu")(Conv2D(5, 3, {.padding = "same"})(ZeroPadding2D(1)(bare)));
  auto shared = ZeroPadding2D(1)(same);
  auto two = Add()({Activation("relu")(Conv2D(5, 3)(shared)), MaxPooling2D(3, {.strides = 1})(shared)});
  Model model(x, two, "padded");
  randomize_norms(model, 21);
  const Tensor in = testing::random_tensor({2, 11, 11, 4}, 12, -2, 2);
  // stem, down and bare take their zeros; same and two fuse their activations only.
  expect_fuses_like_the_layers(model, in, 5, 1e-5, 1e-4);
  EXPECT_EQ(model.predict_on_batch(in).shape(), Shape({2, 5, 6, 5}));

  // 1-D and 3-D, and zeros on the channels_first axes (another axis than the
  // convolution's spatial ones: the padding runs by itself, the convolution's chain fused).
  auto s = keras::Input({9, 3});
  Model one_d(s, Activation("tanh")(Conv1D(4, 3)(ZeroPadding1D({2, 1})(s))), "one_d");
  expect_fuses_like_the_layers(one_d, testing::random_tensor({2, 9, 3}, 13), 1, 1e-5, 1e-4);
  auto v = keras::Input({4, 5, 6, 2});
  Model three_d(v, BatchNormalization()(Conv3D(3, 2)(ZeroPadding3D(1)(v))), "three_d");
  randomize_norms(three_d, 5);
  expect_fuses_like_the_layers(three_d, testing::random_tensor({2, 4, 5, 6, 2}, 14), 1, 1e-5, 1e-4);
  auto c = keras::Input({6, 6, 6});
  Model first(c, Activation("relu")(Conv2D(4, 3)(ZeroPadding2D(1, {.data_format = "channels_first"})(c))), "cf");
  expect_fuses_like_the_layers(first, testing::random_tensor({2, 6, 6, 6}, 15), 1, 1e-5, 1e-4);
}

TEST(InferenceFusion, DropoutIsPassedOverAtInference) {
  auto x = keras::Input({6, 6, 4});
  // EfficientNet's block end: project, norm, drop-connect Dropout, residual Add.
  auto projected = BatchNormalization()(Conv2D(4, 1)(x));
  auto block = Add()({Dropout(0.5, {.noise_shape = Shape({kNone, 1, 1, 1})})(projected), x});
  // Identities after the activation too, up to the model's output.
  auto out = GaussianNoise(0.3)(SpatialDropout2D(0.5)(Activation("relu")(Conv2D(3, 3)(block))));
  Model model(x, out, "dropped");
  randomize_norms(model, 31);
  const Tensor in = testing::random_tensor({2, 6, 6, 4}, 16);
  expect_fuses_like_the_layers(model, in, 2, 1e-5, 1e-4);
  // Training keeps the layers (and their noise).
  const Tensor trained = model(TensorList{in}, true)[0];
  EXPECT_GT(ops::max(ops::abs(trained - model.predict_on_batch(in))).item<double>(), 1e-3);
}

/// A deep channels-last CNN as Keras applications build them: stem, residual stages.
Model tiny_resnet() {
  auto x = keras::Input({16, 16, 3});
  auto h = Activation("relu")(BatchNormalization()(Conv2D(8, 3, {.strides = 2, .padding = "same"})(x)));
  for (int block = 0; block < 3; ++block) {
    auto a = Activation("relu")(BatchNormalization()(Conv2D(8, 1)(h)));
    a = Activation("relu")(BatchNormalization()(Conv2D(8, 3, {.padding = "same"})(a)));
    h = Activation("relu")(Add()({BatchNormalization()(Conv2D(8, 1)(a)), h}));
  }
  return Model(x, Dense(4)(GlobalAveragePooling2D()(h)), "tiny_resnet");
}

TEST(InferenceFusion, AResidualNetworkFusesEveryChain) {
  Model model = tiny_resnet();
  randomize_norms(model, 11);
  const Tensor in = testing::random_tensor({4, 16, 16, 3}, 6);
  expect_fuses_like_the_layers(model, in, 10, 1e-5, 1e-4);
}

TEST(InferenceFusion, AFirstCallCreatesItsConvolutionsUpFrontOnSeveralThreads) {
  // A first call at a batch size creates every chain's convolution before it runs, on
  // config::num_threads() threads; the chains then find them made. A later call at that
  // size creates nothing; another size prepares again. The numbers are the layers'.
  using backend::cpu::onednn::conv_forward_primitive_count;
  const int threads = config::num_threads();
  config::set_num_threads(3);  // up to two helper threads where OpenMP is on
  Model model = tiny_resnet();
  randomize_norms(model, 14);
  const Tensor in = testing::random_tensor({3, 16, 16, 3}, 9);
  const Tensor want = unfused(model, in)[0];
  const size_t prepared = models::fusion::prepared_calls();
  const uint64_t primitives = conv_forward_primitive_count();
  testing::expect_allclose(model.predict_on_batch(in), want, 1e-5, 1e-4);
  EXPECT_EQ(models::fusion::prepared_calls(), prepared + 1);
  const uint64_t made = conv_forward_primitive_count() - primitives;
  EXPECT_EQ(made, 4u);  // the 10 chains' distinct convolutions: the stem's and a block's three
  testing::expect_allclose(model.predict_on_batch(in), want, 1e-5, 1e-4);
  EXPECT_EQ(models::fusion::prepared_calls(), prepared + 1);
  EXPECT_EQ(conv_forward_primitive_count(), primitives + made);
  const Tensor other = testing::random_tensor({5, 16, 16, 3}, 10);
  testing::expect_allclose(model.predict_on_batch(other), unfused(model, other)[0], 1e-5, 1e-4);
  EXPECT_EQ(models::fusion::prepared_calls(), prepared + 2);
  config::set_num_threads(threads);
}

/// Sets the global dtype policy for one test and puts float32 back.
struct PolicyScope {
  explicit PolicyScope(const char* policy) { mixed_precision::set_global_policy(policy); }
  ~PolicyScope() { mixed_precision::set_global_policy("float32"); }
};

TEST(InferenceFusion, MixedBfloat16FusesToo) {
  // Compute in bfloat16, variables and the folded statistics in float32: the fused run
  // rounds once where the layers round after each of them, so they agree to bfloat16's
  // precision (8 bits), not float32's.
  PolicyScope policy("mixed_bfloat16");
  Model model = tiny_resnet();
  randomize_norms(model, 12);
  const Tensor in = testing::random_tensor({4, 16, 16, 3}, 7);
  const auto [got, want] = expect_fuses_like_the_layers(model, in, 10, 1e-2, 2e-2);
  ASSERT_EQ(got.dtype(), want.dtype());
}

TEST(InferenceFusion, AMixedModelCastsItsFloat32InputAsTheLayersWould) {
  // The input stays float32 under mixed_bfloat16: the first convolution and the Add cast
  // it to bfloat16, and so does the fused chain. Its kernels are cast once and packed once,
  // not on every call.
  PolicyScope policy("mixed_bfloat16");
  auto x = keras::Input({8, 8, 16});
  auto conv = [] { return Conv2D(16, 3, {.padding = "same", .use_bias = false}); };
  auto h = ReLU()(BatchNormalization()(conv()(x)));
  h = ReLU()(Add()({BatchNormalization()(conv()(h)), x}));
  Model model(x, h, "mixed_block");
  randomize_norms(model, 13);
  const Tensor in = testing::random_tensor({2, 8, 8, 16}, 8);
  expect_fuses_like_the_layers(model, in, 2, 1e-2, 2e-2);
  if (backend::backend_for(in).supports(backend::Op::conv_forward, DType::bfloat16)) {
    const uint64_t reorders = backend::cpu::onednn::kernel_reorder_count();
    model.predict_on_batch(in);
    EXPECT_EQ(backend::cpu::onednn::kernel_reorder_count(), reorders);
  }
}

}  // namespace
}  // namespace keras
