// 16-bit floats through the backend (src/backend/half_precision.h): every kernel mixed
// precision reaches gives, on float16 and bfloat16 data, the float32 kernel's result on
// the same (16-bit) inputs rounded to 16 bits: exactly, since the adapter widens, runs
// float32 and rounds once; a native 16-bit kernel (accumulating in float32) is allowed
// the rounding of its output, one unit in the last place.
#include "backend/half_precision.h"

#include <cmath>

#include "backend/backend.h"
#include "keras/autograd/gradient_tape.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"
#include "test_utils.h"

namespace keras::backend {
namespace {

constexpr DType kHalves[] = {DType::bfloat16, DType::float16};

/// Random values of `dtype` (drawn in float32, then rounded).
Tensor half_values(const Shape& shape, DType dtype, uint64_t seed, double low = -2, double high = 2) {
  return testing::random_tensor(shape, seed, low, high).astype(dtype);
}

/// The float32 kernel on the widened inputs, rounded to `dtype` and widened again: what
/// the 16-bit kernel must give.
Tensor rounded(const Tensor& f32, DType dtype) { return f32.astype(dtype).astype(DType::float32); }

/// One unit in the last place of `dtype` at 1.0, relative: the most a native kernel may
/// differ from the widened one (rounding the same float32 sum computed in another order).
double ulp(DType dtype) { return dtype == DType::bfloat16 ? 1.0 / 128 : 1.0 / 1024; }

void expect_same(const Tensor& got, const Tensor& want, DType dtype, const std::string& what) {
  ASSERT_EQ(got.dtype(), dtype) << what;
  testing::expect_allclose(got.astype(DType::float32), want, 1e-3 * ulp(dtype), 2 * ulp(dtype), what);
}

std::string name(DType d) { return std::string(dtype_name(d)); }

TEST(HalfPrecision, RegistryWrapsEveryBackendInTheAdapter) {
  EXPECT_NE(dynamic_cast<HalfPrecisionAdapter*>(&backend_for(Device::cpu())), nullptr);
}

TEST(HalfPrecision, ElementwiseReductionsAndSoftmaxEqualFloat32Rounded) {
  for (DType dt : kHalves) {
    const Tensor a = half_values({7, 33}, dt, 1), b = half_values({7, 33}, dt, 2);
    const Tensor af = a.astype(DType::float32), bf = b.astype(DType::float32);
    expect_same(ops::add(a, b), rounded(ops::add(af, bf), dt), dt, "add " + name(dt));
    expect_same(ops::multiply(a, b), rounded(ops::multiply(af, bf), dt), dt, "multiply " + name(dt));
    expect_same(ops::relu(a), rounded(ops::relu(af), dt), dt, "relu " + name(dt));
    expect_same(ops::tanh(a), rounded(ops::tanh(af), dt), dt, "tanh " + name(dt));
    expect_same(ops::exp(a), rounded(ops::exp(af), dt), dt, "exp " + name(dt));
    expect_same(ops::sum(a, std::vector<int64_t>{1}), rounded(ops::sum(af, std::vector<int64_t>{1}), dt), dt,
                "sum " + name(dt));
    expect_same(ops::max(a, std::vector<int64_t>{0}), rounded(ops::max(af, std::vector<int64_t>{0}), dt), dt,
                "max " + name(dt));
    expect_same(ops::softmax(a), rounded(ops::softmax(af), dt), dt, "softmax " + name(dt));
    EXPECT_EQ(ops::argmax(a, 1).to_vector<int64_t>(), ops::argmax(af, 1).to_vector<int64_t>()) << name(dt);
  }
}

TEST(HalfPrecision, MatmulConvolutionAndPoolingEqualFloat32Rounded) {
  for (DType dt : kHalves) {
    const Tensor a = half_values({5, 40}, dt, 3), b = half_values({40, 9}, dt, 4);
    expect_same(ops::matmul(a, b), rounded(ops::matmul(a.astype(DType::float32), b.astype(DType::float32)), dt), dt,
                "matmul " + name(dt));

    const Tensor x = half_values({2, 9, 9, 3}, dt, 5), k = half_values({3, 3, 3, 4}, dt, 6);
    const Tensor xf = x.astype(DType::float32), kf = k.astype(DType::float32);
    expect_same(ops::conv(x, k, Tensor(), {1, 1}, "same", {1, 1}),
                rounded(ops::conv(xf, kf, Tensor(), {1, 1}, "same", {1, 1}), dt), dt, "conv " + name(dt));
    expect_same(ops::max_pool(x, {2, 2}, {2, 2}, "valid"), rounded(ops::max_pool(xf, {2, 2}, {2, 2}, "valid"), dt), dt,
                "max_pool " + name(dt));
    expect_same(ops::average_pool(x, {2, 2}, {1, 1}, "same"),
                rounded(ops::average_pool(xf, {2, 2}, {1, 1}, "same"), dt), dt, "average_pool " + name(dt));
  }
}

TEST(HalfPrecision, GradientsOfAConvolutionFlowIn16BitsAndMatchFloat32) {
  for (DType dt : kHalves) {
    const Tensor x0 = half_values({2, 8, 8, 3}, dt, 7), k0 = half_values({3, 3, 3, 5}, dt, 8, -0.5, 0.5);
    auto grads = [](const Tensor& x_in, const Tensor& k_in) {
      Tensor x = x_in.detach(), k = k_in.detach();
      x.set_requires_grad(true);
      k.set_requires_grad(true);
      autograd::GradientTape tape;
      const Tensor y = ops::relu(ops::conv(x, k, Tensor(), {1, 1}, "valid", {1, 1}));
      const Tensor loss = ops::sum(ops::max_pool(y, {2, 2}, {2, 2}, "valid").astype(DType::float32));
      return tape.gradient(loss, {x, k});
    };
    const TensorList g = grads(x0, k0), gf = grads(x0.astype(DType::float32), k0.astype(DType::float32));
    ASSERT_EQ(g.size(), 2u);
    EXPECT_EQ(g[0].dtype(), dt);
    EXPECT_EQ(g[1].dtype(), dt);
    // The 16-bit gradient rounds each step's result: a relative tolerance of a few units.
    testing::expect_allclose(g[0].astype(DType::float32), gf[0], 4 * ulp(dt), 4 * ulp(dt), "dx " + name(dt));
    testing::expect_allclose(g[1].astype(DType::float32), gf[1], 0.05, 4 * ulp(dt), "dkernel " + name(dt));
  }
}

TEST(HalfPrecision, FloatsOfTwoWidthsPromoteToTheWiderAndGradientsKeepTheirInputsDtype) {
  Tensor a = Tensor::from_vector(std::vector<float>{1.5f, -2.0f, 3.25f}, Shape{3}).astype(DType::bfloat16);
  Tensor b = Tensor::from_vector(std::vector<float>{0.5f, 4.0f, -1.0f}, Shape{3});
  a.set_requires_grad(true);
  b.set_requires_grad(true);
  autograd::GradientTape tape;
  const Tensor y = ops::multiply(a, b);
  EXPECT_EQ(y.dtype(), DType::float32);
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{0.75f, -8.0f, -3.25f}));
  const TensorList g = tape.gradient(ops::sum(y), {a, b});
  EXPECT_EQ(g[0].dtype(), DType::bfloat16);
  EXPECT_EQ(g[1].dtype(), DType::float32);
  EXPECT_EQ(g[0].astype(DType::float32).to_vector<float>(), (std::vector<float>{0.5f, 4.0f, -1.0f}));
  EXPECT_EQ(g[1].to_vector<float>(), (std::vector<float>{1.5f, -2.0f, 3.25f}));
  // float16 with bfloat16: neither holds the other, float32 (Keras's result_type).
  EXPECT_EQ(ops::add(a.detach(), a.detach().astype(DType::float16)).dtype(), DType::float32);
}

}  // namespace
}  // namespace keras::backend
