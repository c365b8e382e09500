// Hinge metrics against Keras's docstring values, worked by hand from
// keras/src/losses/losses.py (labels of 0/1 become -1/1).
#include "keras/metrics/hinge.h"

#include "test_utils.h"

namespace keras::metrics {
namespace {

Tensor v(std::vector<float> x) { return Tensor::from_vector<float>(x); }
Tensor m(std::vector<float> x, int64_t rows, int64_t cols) { return Tensor::from_vector<float>(x, {rows, cols}); }

const Tensor kTrue = m({0, 1, 0, 0}, 2, 2), kPred = m({0.6f, 0.4f, 0.4f, 0.6f}, 2, 2);

TEST(HingeMetrics, AsKerasDocuments) {
  // labels [[-1, 1], [-1, -1]]: row 0 mean(1.6, 0.6) = 1.1, row 1 mean(1.4, 1.6) = 1.5.
  Hinge h;
  h.update_state(kTrue, kPred);
  EXPECT_NEAR(h.result(), 1.3, 1e-7);
  h.reset_state();
  h.update_state(kTrue, kPred, v({1, 0}));
  EXPECT_NEAR(h.result(), 1.1, 1e-7);
  SquaredHinge sh;  // mean(2.56, 0.36) = 1.46, mean(1.96, 2.56) = 2.26
  sh.update_state(kTrue, kPred);
  EXPECT_NEAR(sh.result(), 1.86, 1e-7);
  sh.reset_state();
  sh.update_state(kTrue, kPred, v({1, 0}));
  EXPECT_NEAR(sh.result(), 1.46, 1e-7);
  CategoricalHinge ch;  // max(neg - pos + 1, 0): 0.6 - 0.4 + 1 = 1.2; 0.6 - 0 + 1 = 1.6
  ch.update_state(kTrue, kPred);
  EXPECT_NEAR(ch.result(), 1.4, 1e-7);
  ch.reset_state();
  ch.update_state(kTrue, kPred, v({1, 0}));
  EXPECT_NEAR(ch.result(), 1.2, 1e-7);
}

TEST(HingeMetrics, SignedLabelsStay) {
  Hinge h;  // labels already -1/1: mean(max(1 - (-1)(0.5), 0), max(1 - 0.5, 0)) = 1
  h.update_state(m({-1, 1}, 1, 2), m({0.5f, 0.5f}, 1, 2));
  EXPECT_NEAR(h.result(), 1.0, 1e-7);
  h.update_state(m({-1, 1}, 1, 2), m({-2, 3}, 1, 2));  // both beyond the margin: 0
  EXPECT_NEAR(h.result(), 0.5, 1e-7);
}

}  // namespace
}  // namespace keras::metrics
