// Every differentiable op's gradient against central finite differences.
#include "ops/fused.h"
#include "test_utils.h"

namespace keras {
namespace {

using testing::check_gradients;
using testing::random_tensor;

Tensor distinct_leaf(const Shape& s, uint64_t seed) {
  Tensor t = testing::distinct_tensor(s, seed);
  t.set_requires_grad(true);
  return t;
}

Tensor leaf(const Shape& s, uint64_t seed, double lo = -1.0, double hi = 1.0, bool away = false) {
  Tensor t = random_tensor(s, seed, lo, hi, away);
  t.set_requires_grad(true);
  return t;
}

TEST(Gradcheck, BroadcastingArithmetic) {
  // (2,3,4) with (3,1) and (4,) exercise every broadcasting pattern.
  check_gradients([](const TensorList& x) { return ops::add(x[0], x[1]); }, {leaf({2, 3, 4}, 1), leaf({3, 1}, 2)});
  check_gradients([](const TensorList& x) { return ops::subtract(x[0], x[1]); }, {leaf({4}, 3), leaf({2, 3, 4}, 4)});
  check_gradients([](const TensorList& x) { return ops::multiply(x[0], x[1]); }, {leaf({2, 3, 4}, 5), leaf({3, 1}, 6)});
  check_gradients([](const TensorList& x) { return ops::divide(x[0], x[1]); },
                  {leaf({2, 3, 4}, 7), leaf({4}, 8, 0.5, 2.0)});
  check_gradients([](const TensorList& x) { return ops::maximum(x[0], x[1]); }, {distinct_leaf({3, 4}, 9), leaf({3, 4}, 10, -0.005, 0.005)});
  check_gradients([](const TensorList& x) { return ops::minimum(x[0], x[1]); }, {leaf({3, 4}, 11), leaf({4}, 12)});
  check_gradients([](const TensorList& x) { return ops::power(x[0], x[1]); },
                  {leaf({3, 4}, 13, 0.5, 2.0), leaf({4}, 14, 0.5, 2.5)});
}

TEST(Gradcheck, ScalarOperators) {
  check_gradients([](const TensorList& x) { return (x[0] * 3.0 - 1.0) / 2.0 + 4.0 - x[0] / x[1]; },
                  {leaf({5}, 15), leaf({5}, 16, 1.0, 2.0)});
}

TEST(Gradcheck, UnaryMath) {
  auto pos = [](uint64_t s) { return leaf({3, 5}, s, 0.2, 2.0); };
  check_gradients([](const TensorList& x) { return ops::negative(x[0]); }, {leaf({3, 5}, 20)});
  check_gradients([](const TensorList& x) { return ops::abs(x[0]); }, {leaf({3, 5}, 21, -1, 1, true)});
  check_gradients([](const TensorList& x) { return ops::square(x[0]); }, {leaf({3, 5}, 22)});
  check_gradients([](const TensorList& x) { return ops::sqrt(x[0]); }, {pos(23)});
  check_gradients([](const TensorList& x) { return ops::rsqrt(x[0]); }, {pos(24)});
  check_gradients([](const TensorList& x) { return ops::exp(x[0]); }, {leaf({3, 5}, 25)});
  check_gradients([](const TensorList& x) { return ops::log(x[0]); }, {pos(26)});
  check_gradients([](const TensorList& x) { return ops::reciprocal(x[0]); }, {pos(27)});
  check_gradients([](const TensorList& x) { return ops::clip(x[0], -0.5, 0.5); }, {leaf({3, 5}, 28)});
}

TEST(Gradcheck, Activations) {
  using F = Tensor (*)(const Tensor&);
  const std::vector<std::pair<const char*, F>> fns = {
      {"sigmoid", ops::sigmoid}, {"tanh", ops::tanh},         {"selu", ops::selu},
      {"softplus", ops::softplus}, {"softsign", ops::softsign}, {"silu", ops::silu},
      {"hard_sigmoid", ops::hard_sigmoid}, {"hard_silu", ops::hard_silu}, {"mish", ops::mish},
      {"log_sigmoid", ops::log_sigmoid}, {"relu6", ops::relu6},
  };
  uint64_t seed = 30;
  for (const auto& [name, fn] : fns) {
    SCOPED_TRACE(name);
    check_gradients([fn = fn](const TensorList& x) { return fn(x[0]); }, {leaf({4, 6}, seed++, -4.0, 4.0, true)});
  }
  check_gradients([](const TensorList& x) { return ops::relu(x[0]); }, {leaf({4, 6}, 50, -2, 2, true)});
  check_gradients([](const TensorList& x) { return ops::leaky_relu(x[0], 0.3); }, {leaf({4, 6}, 51, -2, 2, true)});
  check_gradients([](const TensorList& x) { return ops::relu(x[0], 0.1, 1.5, 0.5); }, {leaf({4, 6}, 52, -2, 2, true)});
  check_gradients([](const TensorList& x) { return ops::elu(x[0], 1.3); }, {leaf({4, 6}, 53, -2, 2, true)});
  check_gradients([](const TensorList& x) { return ops::gelu(x[0], true); }, {leaf({4, 6}, 54, -3, 3)});
  check_gradients([](const TensorList& x) { return ops::gelu(x[0], false); }, {leaf({4, 6}, 55, -3, 3)});
}

TEST(Gradcheck, Softmax) {
  for (int64_t axis : {-1, 0, 1}) {
    SCOPED_TRACE(axis);
    check_gradients([axis](const TensorList& x) { return ops::softmax(x[0], axis); }, {leaf({3, 4, 5}, 60, -2, 2)});
    check_gradients([axis](const TensorList& x) { return ops::log_softmax(x[0], axis); }, {leaf({3, 4, 5}, 61, -2, 2)});
  }
}

TEST(Gradcheck, Reductions) {
  for (bool keep : {false, true}) {
    check_gradients([keep](const TensorList& x) { return ops::sum(x[0], {1}, keep); }, {leaf({2, 3, 4}, 70)});
    check_gradients([keep](const TensorList& x) { return ops::sum(x[0], {0, 2}, keep); }, {leaf({2, 3, 4}, 71)});
    check_gradients([keep](const TensorList& x) { return ops::mean(x[0], {-1}, keep); }, {leaf({2, 3, 4}, 72)});
    check_gradients([keep](const TensorList& x) { return ops::max(x[0], {1, 2}, keep); }, {distinct_leaf({2, 3, 4}, 73)});
    check_gradients([keep](const TensorList& x) { return ops::min(x[0], {0}, keep); }, {distinct_leaf({2, 3, 4}, 74)});
  }
  check_gradients([](const TensorList& x) { return ops::sum(x[0]); }, {leaf({2, 3, 4}, 75)});
  check_gradients([](const TensorList& x) { return ops::mean(x[0]); }, {leaf({2, 3, 4}, 76)});
}

TEST(Gradcheck, Matmul) {
  check_gradients([](const TensorList& x) { return ops::matmul(x[0], x[1]); }, {leaf({3, 4}, 80), leaf({4, 5}, 81)});
  // N-d times 2-d (Dense on sequences).
  check_gradients([](const TensorList& x) { return ops::matmul(x[0], x[1]); }, {leaf({2, 3, 4}, 82), leaf({4, 5}, 83)});
  // Batched, with broadcasting of the batch dims.
  check_gradients([](const TensorList& x) { return ops::matmul(x[0], x[1]); },
                  {leaf({2, 3, 4}, 84), leaf({2, 4, 5}, 85)});
  check_gradients([](const TensorList& x) { return ops::matmul(x[0], x[1]); },
                  {leaf({1, 3, 4}, 86), leaf({2, 4, 2}, 87)});
  check_gradients([](const TensorList& x) { return ops::matmul(x[0], x[1]); }, {leaf({3, 4}, 88), leaf({2, 4, 2}, 89)});
  // Vectors.
  check_gradients([](const TensorList& x) { return ops::matmul(x[0], x[1]); }, {leaf({4}, 90), leaf({4, 3}, 91)});
  check_gradients([](const TensorList& x) { return ops::matmul(x[0], x[1]); }, {leaf({3, 4}, 92), leaf({4}, 93)});
}

TEST(Gradcheck, ShapeOps) {
  check_gradients([](const TensorList& x) { return ops::reshape(x[0], {4, -1}); }, {leaf({2, 3, 4}, 100)});
  check_gradients([](const TensorList& x) { return ops::transpose(x[0], {2, 0, 1}); }, {leaf({2, 3, 4}, 101)});
  check_gradients([](const TensorList& x) { return ops::transpose(x[0]); }, {leaf({2, 3}, 102)});
  check_gradients([](const TensorList& x) { return ops::expand_dims(x[0], 1); }, {leaf({2, 3}, 103)});
  check_gradients([](const TensorList& x) { return ops::squeeze(x[0], 1); }, {leaf({2, 1, 3}, 104)});
  check_gradients([](const TensorList& x) { return ops::slice_rows(x[0], 1, 3); }, {leaf({4, 3}, 105)});
  check_gradients([](const TensorList& x) { return ops::broadcast_to(x[0], {2, 3, 4}); }, {leaf({3, 1}, 106)});
  check_gradients([](const TensorList& x) { return ops::concatenate({x[0], x[1]}, 1); },
                  {leaf({2, 3, 2}, 107), leaf({2, 1, 2}, 108)});
  check_gradients(
      [](const TensorList& x) {
        return ops::take_rows(x[0], Tensor::from_vector<int64_t>({2, 0, 2, 1}));  // a repeated row sums its grads
      },
      {leaf({3, 2}, 109)});
  check_gradients([](const TensorList& x) { return ops::cast(x[0], DType::float32) * 2.0; }, {leaf({3}, 110)});
}

struct ConvCase {
  const char* name;
  Shape x, kernel;
  std::vector<int64_t> strides;
  std::string padding;
  std::vector<int64_t> dilation;
  bool bias;
};

TEST(Gradcheck, Convolution) {
  const std::vector<ConvCase> cases = {
      {"2d valid", {2, 5, 5, 2}, {3, 3, 2, 3}, {1, 1}, "valid", {1, 1}, true},
      {"2d same stride 2", {2, 6, 5, 2}, {3, 3, 2, 3}, {2, 2}, "same", {1, 1}, true},
      {"2d dilated same", {1, 6, 6, 2}, {3, 3, 2, 2}, {1, 1}, "same", {2, 2}, false},
      {"2d rect strides", {2, 5, 7, 3}, {2, 3, 3, 2}, {1, 2}, "valid", {1, 1}, true},
      {"2d grouped", {2, 4, 4, 4}, {3, 3, 2, 4}, {1, 1}, "same", {1, 1}, true},
      {"2d depthwise", {2, 4, 4, 3}, {3, 3, 1, 6}, {1, 1}, "valid", {1, 1}, true},
      {"1d causal dilated", {2, 7, 2}, {3, 2, 3}, {1}, "causal", {2}, true},
      {"1d same stride", {2, 8, 3}, {3, 3, 2}, {2}, "same", {1}, true},
      {"3d valid", {1, 4, 4, 4, 2}, {2, 2, 2, 2, 2}, {1, 1, 1}, "valid", {1, 1, 1}, true},
      {"3d same stride", {1, 4, 5, 5, 2}, {2, 3, 3, 2, 2}, {1, 2, 2}, "same", {1, 1, 1}, false},
  };
  uint64_t seed = 200;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    // Built in place: GCC 12 at -O3 warns (-Warray-bounds, falsely) on push_back after a
    // two-element initializer list here.
    TensorList in;
    in.reserve(3);
    in.push_back(leaf(c.x, seed++));
    in.push_back(leaf(c.kernel, seed++, -0.5, 0.5));
    if (c.bias) in.push_back(leaf({c.kernel.back()}, seed++));
    check_gradients(
        [&c](const TensorList& x) {
          return ops::conv(x[0], x[1], c.bias ? x[2] : Tensor(), c.strides, c.padding, c.dilation);
        },
        in);
  }
}

TEST(Gradcheck, ConvTranspose) {
  struct C {
    const char* name;
    Shape x, kernel;
    std::vector<int64_t> strides;
    std::string padding;
    std::vector<int64_t> output_padding, dilation;
  };
  const std::vector<C> cases = {
      {"1d valid", {2, 4, 2}, {3, 3, 2}, {1}, "valid", {}, {1}},
      {"1d same stride 2", {2, 4, 3}, {3, 2, 3}, {2}, "same", {}, {1}},
      {"1d valid output_padding", {1, 3, 2}, {4, 2, 2}, {3}, "valid", {1}, {1}},
      {"1d dilated", {1, 4, 2}, {3, 2, 2}, {1}, "same", {}, {2}},
      {"2d same output_padding", {1, 3, 3, 2}, {3, 4, 2, 2}, {2, 3}, "same", {1, 2}, {1, 1}},
      {"2d kernel < stride", {2, 2, 3, 2}, {2, 2, 3, 2}, {3, 3}, "valid", {}, {1, 1}},
      {"3d valid output_padding", {1, 2, 2, 2, 2}, {2, 3, 2, 2, 2}, {1, 2, 2}, "valid", {0, 1, 1}, {1, 1, 1}},
  };
  uint64_t seed = 260;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TensorList in{leaf(c.x, seed++), leaf(c.kernel, seed++, -0.5, 0.5)};
    check_gradients(
        [&c](const TensorList& x) {
          return ops::conv_transpose(x[0], x[1], c.strides, c.padding, c.output_padding, c.dilation);
        },
        in);
  }
}

TEST(Gradcheck, FusedConvRelu) {
  TensorList in{leaf({2, 5, 5, 2}, 250), leaf({3, 3, 2, 4}, 251, -0.5, 0.5), leaf({4}, 252)};
  // Same numbers as conv followed by relu, forward and backward.
  testing::expect_allclose(ops::detail::conv_relu(in[0], in[1], in[2], {1, 1}, "same", {1, 1}),
                           ops::relu(ops::conv(in[0], in[1], in[2], {1, 1}, "same", {1, 1})), 1e-6, 1e-6, "conv_relu");
  check_gradients(
      [](const TensorList& x) { return ops::detail::conv_relu(x[0], x[1], x[2], {1, 1}, "same", {1, 1}); }, in);
}

TEST(Gradcheck, Pooling) {
  for (const std::string padding : {"valid", "same"}) {
    SCOPED_TRACE(padding);
    check_gradients([&](const TensorList& x) { return ops::max_pool(x[0], {2, 2}, {2, 2}, padding); },
                    {distinct_leaf({2, 5, 5, 3}, 300)});
    check_gradients([&](const TensorList& x) { return ops::max_pool(x[0], {3, 3}, {2, 2}, padding); },
                    {distinct_leaf({2, 7, 6, 2}, 301)});
    check_gradients([&](const TensorList& x) { return ops::average_pool(x[0], {3, 3}, {2, 2}, padding); },
                    {leaf({2, 7, 6, 2}, 302)});
    check_gradients([&](const TensorList& x) { return ops::average_pool(x[0], {2}, {1}, padding); },
                    {leaf({2, 5, 3}, 303)});
    check_gradients([&](const TensorList& x) { return ops::max_pool(x[0], {2, 2, 2}, {1, 2, 2}, padding); },
                    {distinct_leaf({1, 3, 4, 4, 2}, 304)});
  }
}

TEST(Gradcheck, Dropout) {
  // A fixed seed gives a fixed mask, so the op is a deterministic function.
  check_gradients([](const TensorList& x) { return ops::dropout(x[0], 0.4, Shape{}, 7); }, {leaf({4, 5}, 400)});
  check_gradients([](const TensorList& x) { return ops::dropout(x[0], 0.5, Shape{4, 1}, 8); }, {leaf({4, 5}, 401)});
}

TEST(Gradcheck, SharedInputAccumulates) {
  // x used three times: gradients from every use must add up.
  check_gradients([](const TensorList& x) { return ops::multiply(x[0], ops::sigmoid(x[0])) + ops::square(x[0]); },
                  {leaf({3, 3}, 500)});
}

TEST(GradientTape, UnusedSourceGivesUndefined) {
  Tensor a = leaf({2}, 1), b = leaf({2}, 2);
  autograd::GradientTape tape;
  Tensor y = ops::sum(ops::square(a));
  auto g = tape.gradient(y, {a, b});
  EXPECT_TRUE(g[0].defined());
  EXPECT_FALSE(g[1].defined());
}

TEST(GradientTape, NotRecordingOutsideTape) {
  Tensor a = leaf({2}, 1);
  Tensor y = ops::square(a);
  EXPECT_FALSE(y.requires_grad());  // no tape: no graph, no overhead
  EXPECT_FALSE(autograd::is_recording());
}

TEST(GradientTape, GradientOfIntermediate) {
  Tensor a = leaf({3}, 3);
  autograd::GradientTape tape;
  Tensor h = ops::multiply(a, a);
  Tensor y = ops::sum(ops::multiply(h, Tensor::full({3}, 2.0)));
  auto g = tape.gradient(y, {h, a});
  for (float v : g[0].to_vector<float>()) EXPECT_FLOAT_EQ(v, 2.0f);
  const auto av = a.to_vector<float>(), ga = g[1].to_vector<float>();
  for (size_t i = 0; i < av.size(); ++i) EXPECT_NEAR(ga[i], 4.0f * av[i], 1e-5);
}

}  // namespace
}  // namespace keras
