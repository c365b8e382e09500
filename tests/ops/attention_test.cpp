// ops::detail::dot_product_attention (the fused kernel) against the composition of ops
// it stands for, forward and backward, and against finite differences; masks of every
// broadcast form; what it refuses; and that it makes no tensor of query_len x key_len.
#include <atomic>

#include "backend/backend.h"
#include "keras/autograd/gradient_tape.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "ops/fused.h"
#include "test_utils.h"

namespace keras {
namespace {

using ops::detail::dot_product_attention;
using ops::detail::dot_product_attention_composed;
using testing::random_tensor;

struct Case {
  Shape q, k, v, mask;  // mask: empty = none
  bool causal;
};

/// A 0/1 mask of `shape` (about a third masked) whose first query row masks every key.
Tensor random_mask(const Shape& shape, uint64_t seed, DType dtype) {
  const Tensor r = random_tensor(shape, seed, 0, 1);
  std::vector<float> m(static_cast<size_t>(r.size()));
  const int64_t s = shape.back(), t = shape.rank() >= 2 ? shape[shape.rank() - 2] : 1;
  for (int64_t i = 0; i < r.size(); ++i)
    m[static_cast<size_t>(i)] = (i / s) % t == 0 ? 0.f : r.data<float>()[i] < 0.33f ? 0.f : 1.f;
  return ops::cast(Tensor::from_vector(m, shape), dtype);
}

TEST(DotProductAttention, FusedMatchesTheCompositionForwardAndBackward) {
  const std::vector<Case> cases = {
      {{2, 5, 3, 4}, {2, 7, 3, 4}, {2, 7, 3, 6}, {}, false},
      {{1, 70, 2, 8}, {1, 600, 2, 8}, {1, 600, 2, 8}, {}, false},  // several query and key blocks
      {{2, 70, 2, 4}, {2, 70, 2, 4}, {2, 70, 2, 4}, {}, true},
      {{2, 6, 2, 4}, {2, 530, 2, 4}, {2, 530, 2, 3}, {2, 1, 6, 530}, false},
      {{2, 9, 2, 4}, {2, 9, 2, 4}, {2, 9, 2, 4}, {9, 9}, true},         // (T, S): every batch and head
      {{2, 5, 3, 4}, {2, 8, 3, 4}, {2, 8, 3, 4}, {1, 3, 1, 8}, false},  // per head, every query
  };
  uint64_t seed = 10;
  for (const Case& c : cases) {
    for (DType mask_dtype : {DType::float32, DType::bool_}) {
      Tensor q = random_tensor(c.q, seed++, -2, 2), k = random_tensor(c.k, seed++, -2, 2),
             v = random_tensor(c.v, seed++);
      const Tensor mask = c.mask.rank() ? random_mask(c.mask, seed++, mask_dtype) : Tensor();
      const Tensor w = random_tensor(Shape{c.q[0], c.q[1], c.q[2], c.v[3]}, seed++);
      const double scale = 1.0 / std::sqrt(static_cast<double>(c.q[3]));
      const std::string what = "query " + c.q.to_string() + " key " + c.k.to_string() + " mask " + c.mask.to_string() +
                               (c.causal ? " causal" : "");
      auto run = [&](bool fused) {
        Tensor qq = q.clone(), kk = k.clone(), vv = v.clone();
        autograd::GradientTape tape;
        tape.watch(qq);
        tape.watch(kk);
        tape.watch(vv);
        const Tensor out = fused ? dot_product_attention(qq, kk, vv, mask, scale, c.causal)
                                 : dot_product_attention_composed(qq, kk, vv, mask, scale, c.causal);
        TensorList r{out};
        for (const Tensor& g : tape.gradient(ops::sum(ops::multiply(out, w)), {qq, kk, vv})) r.push_back(g);
        return r;
      };
      const TensorList got = run(true), want = run(false);
      const char* names[] = {" out", " dquery", " dkey", " dvalue"};
      for (size_t i = 0; i < 4; ++i) testing::expect_allclose(got[i], want[i], 2e-5, 2e-4, what + names[i]);
    }
  }
}

TEST(DotProductAttention, GradientsMatchFiniteDifferences) {
  auto leaf = [](const Shape& s, uint64_t seed) {
    Tensor t = random_tensor(s, seed);
    t.set_requires_grad(true);
    return t;
  };
  const Tensor mask = random_mask({2, 1, 3, 4}, 30, DType::float32);
  for (bool causal : {false, true})
    for (bool masked : {false, true})
      testing::check_gradients(
          [&](const TensorList& x) {
            return dot_product_attention(x[0], x[1], x[2], masked ? mask : Tensor(), 0.7, causal);
          },
          {leaf({2, 3, 2, 3}, 31), leaf({2, 4, 2, 3}, 32), leaf({2, 4, 2, 5}, 33)});
}

TEST(DotProductAttention, AFullyMaskedRowAttendsUniformlyAsInKeras) {
  // Keras's where(mask, logits, large negative) leaves a row with no key kept uniform.
  const Tensor q = random_tensor({1, 1, 1, 2}, 40), k = random_tensor({1, 3, 1, 2}, 41);
  const Tensor v = Tensor::from_vector(std::vector<float>{1, 2, 6}, Shape{1, 3, 1, 1});
  const Tensor none = Tensor::zeros(Shape{1, 3}, DType::float32);
  EXPECT_NEAR(dot_product_attention(q, k, v, none, 1.0, false).to_vector<float>()[0], 3.0, 1e-6);
}

std::atomic<size_t> g_largest_allocation{0};

TEST(DotProductAttention, NoTensorOfEveryLogitIsMade) {
  // 1 x 1 heads x 2048 x 2048 logits would be 16 MiB; the fused op makes only its output.
  const Tensor q = random_tensor({1, 2048, 1, 8}, 50), k = random_tensor({1, 2048, 1, 8}, 51);
  const Tensor v = random_tensor({1, 2048, 1, 8}, 52);
  g_largest_allocation = 0;
  backend::set_allocation_observer([](Device, size_t n) {
    size_t seen = g_largest_allocation.load();
    while (n > seen && !g_largest_allocation.compare_exchange_weak(seen, n)) {}
  });
  const Tensor out = dot_product_attention(q, k, v, Tensor(), 0.35, true);
  backend::set_allocation_observer(nullptr);
  EXPECT_LE(g_largest_allocation.load(), static_cast<size_t>(2048 * 8 * 4));
  // Row 0 sees key 0 only (causal): its output is value 0.
  for (int64_t e = 0; e < 8; ++e) EXPECT_FLOAT_EQ(out.at<float>({0, 0, 0, e}), v.at<float>({0, 0, 0, e}));
}

TEST(DotProductAttention, Errors) {
  const Tensor q = random_tensor({2, 3, 2, 4}, 60), k = random_tensor({2, 5, 2, 4}, 61),
               v = random_tensor({2, 5, 2, 6}, 62);
  testing::expect_error<ValueError>(
      [&] {
        dot_product_attention(ops::reshape(q, {6, 2, 4}), k, v, Tensor(), 1, false);
      },
      {"only supports 4D inputs", "query.shape=(6, 2, 4)"});
  testing::expect_error<ValueError>(
      [&] {
        dot_product_attention(q, random_tensor({2, 5, 2, 3}, 63), v, Tensor(), 1, false);
      },
      {"do not fit", "key (2, 5, 2, 3)"});
  testing::expect_error<ValueError>(
      [&] {
        dot_product_attention(q, k, random_tensor({2, 4, 2, 6}, 64), Tensor(), 1, false);
      },
      {"do not fit", "value (2, 4, 2, 6)"});
  testing::expect_error<ValueError>(
      [&] {
        dot_product_attention(q, k, v, Tensor::ones(Shape{2, 2, 3, 4}), 1, false);
      },
      {"mask of shape (2, 2, 3, 4) does not broadcast", "(2, 2, 3, 5)"});
  testing::expect_error<ValueError>(
      [&] {
        dot_product_attention(q, k, v, Tensor::ones(Shape{1, 2, 2, 3, 5}), 1, false);
      },
      {"more than 4 axes"});
  testing::expect_error<TypeError>([&] { dot_product_attention(ops::cast(q, DType::int32), k, v, Tensor(), 1, false); },
                                   {"dot_product_attention"});
}

}  // namespace
}  // namespace keras
