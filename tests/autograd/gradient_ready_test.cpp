// GradientTape::gradient's on_ready callback: each leaf source is reported once, when no
// recorded use of it is left to run, with the gradient gradient() then returns.
#include "keras/autograd/gradient_tape.h"
#include "test_utils.h"

namespace keras {
namespace {

TEST(GradientReady, EachLeafOnceWithItsFinalGradient) {
  Tensor a = testing::random_tensor({3, 4}, 1), b = testing::random_tensor({4}, 2),
         unused = testing::random_tensor({2}, 3);
  Tensor x = testing::random_tensor({5, 3}, 4);
  for (Tensor* t : {&a, &b, &unused}) t->set_requires_grad();
  std::vector<std::pair<size_t, Tensor>> seen;
  TensorList grads;
  {
    autograd::GradientTape tape;
    // b is used twice (its gradient is final only after both uses), a once, unused never.
    const Tensor h = ops::add(ops::matmul(x, a), b);
    const Tensor loss = ops::add(ops::sum(ops::square(h)), ops::sum(ops::multiply(b, b)));
    grads = tape.gradient(loss, {a, b, unused}, Tensor(),
                          [&](size_t i, const Tensor& g) { seen.emplace_back(i, g.clone()); });
  }
  ASSERT_EQ(seen.size(), 2u);
  std::vector<size_t> order;
  for (const auto& [i, g] : seen) {
    order.push_back(i);
    testing::expect_allclose(g, grads[i], 0, 0, "reported gradient " + std::to_string(i));
  }
  std::sort(order.begin(), order.end());
  EXPECT_EQ(order, (std::vector<size_t>{0, 1}));
  EXPECT_FALSE(grads[2].defined());
}

}  // namespace
}  // namespace keras
