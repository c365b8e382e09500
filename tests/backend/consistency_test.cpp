// The oneDNN kernels against their reference twins (the plain loops in cpu/ref), on the
// same inputs, forward and backward.
#include "backend/backend.h"
#include "backend/cpu/onednn/onednn.h"
#include "backend/cpu/ref/ref.h"
#include "test_utils.h"

namespace keras::backend::cpu {
namespace {

struct Case {
  const char* name;
  UnaryOp op;
  UnaryParams p;
  double low, high;
};

TEST(BackendConsistency, EltwiseMatchesReference) {
  const std::vector<Case> cases = {
      {"relu", UnaryOp::relu, {0.f, -1.f, 0.f}, -3, 3},        {"leaky_relu", UnaryOp::relu, {0.2f, -1.f, 0.f}, -3, 3},
      {"sigmoid", UnaryOp::sigmoid, {}, -6, 6},                  {"tanh", UnaryOp::tanh, {}, -4, 4},
      {"exp", UnaryOp::exp, {}, -3, 3},                          {"sqrt", UnaryOp::sqrt, {}, 0.1, 4},
      {"elu", UnaryOp::elu, {1.3f, 0.f, 0.f}, -3, 3},            {"gelu_tanh", UnaryOp::gelu, {1.f, 0.f, 0.f}, -4, 4},
      {"gelu_erf", UnaryOp::gelu, {0.f, 0.f, 0.f}, -4, 4},       {"silu", UnaryOp::silu, {}, -5, 5},
      {"softplus", UnaryOp::softplus, {}, -8, 8},                {"log", UnaryOp::log, {}, 0.1, 5},
      {"square", UnaryOp::square, {}, -3, 3},                    {"abs", UnaryOp::abs, {}, -3, 3},
      {"mish", UnaryOp::mish, {}, -5, 5},                        {"hard_silu", UnaryOp::hard_silu, {}, -5, 5},
      {"log_sigmoid", UnaryOp::log_sigmoid, {}, -8, 8},
  };
  const Shape shape{64, 129};  // large enough for the oneDNN path, odd to catch tails
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Tensor x = testing::random_tensor(shape, 11, c.low, c.high, /*away_from_zero=*/true);
    Tensor dy = testing::random_tensor(shape, 12);
    Tensor y_ref = Tensor::empty(shape), y_dnn = Tensor::empty(shape);
    ref::unary_forward(c.op, c.p, x, y_ref);
    ASSERT_TRUE(onednn::eltwise_forward(c.op, c.p, x, y_dnn)) << "oneDNN has no mapping";
    testing::expect_allclose(y_dnn, y_ref, 1e-5, 1e-4, std::string(c.name) + " forward");
    const bool from_y = unary_grad_uses_output(c.op);
    Tensor dx_ref = Tensor::empty(shape), dx_dnn = Tensor::empty(shape);
    ref::unary_backward(c.op, c.p, from_y ? Tensor() : x, from_y ? y_ref : Tensor(), dy, dx_ref);
    ASSERT_TRUE(onednn::eltwise_backward(c.op, c.p, from_y ? Tensor() : x, from_y ? y_ref : Tensor(), dy, dx_dnn));
    testing::expect_allclose(dx_dnn, dx_ref, 1e-5, 1e-4, std::string(c.name) + " backward");
  }
}

TEST(BackendConsistency, SoftmaxMatchesReference) {
  for (bool log : {false, true}) {
    for (auto dims : std::vector<std::array<int64_t, 3>>{{300, 10, 1}, {7, 33, 20}, {1, 5000, 1}}) {
      SCOPED_TRACE(std::to_string(log) + " " + std::to_string(dims[0]) + "x" + std::to_string(dims[1]) + "x" +
                   std::to_string(dims[2]));
      const Shape shape{dims[0], dims[1], dims[2]};
      Tensor x = testing::random_tensor(shape, 21, -5, 5), dy = testing::random_tensor(shape, 22);
      Tensor y_ref = Tensor::empty(shape), y_dnn = Tensor::empty(shape);
      ref::softmax_forward(x, dims[0], dims[1], dims[2], log, y_ref);
      ASSERT_TRUE(onednn::softmax_forward(x, dims[0], dims[1], dims[2], log, y_dnn));
      testing::expect_allclose(y_dnn, y_ref, 1e-6, 1e-4, "softmax forward");
      Tensor dx_ref = Tensor::empty(shape), dx_dnn = Tensor::empty(shape);
      ref::softmax_backward(y_ref, dy, dims[0], dims[1], dims[2], log, dx_ref);
      ASSERT_TRUE(onednn::softmax_backward(y_ref, dy, dims[0], dims[1], dims[2], log, dx_dnn));
      testing::expect_allclose(dx_dnn, dx_ref, 1e-5, 1e-4, "softmax backward");
    }
  }
}

TEST(BackendConsistency, UnmappedOpsFallBack) {
  Tensor x = Tensor::ones({5000}), y = Tensor::empty({5000});
  EXPECT_FALSE(onednn::eltwise_forward(UnaryOp::selu, {}, x, y));
  EXPECT_FALSE(onednn::eltwise_forward(UnaryOp::relu, {0.f, 6.f, 0.f}, x, y));  // relu6 form
}

}  // namespace
}  // namespace keras::backend::cpu
