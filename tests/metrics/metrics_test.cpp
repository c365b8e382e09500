#include "keras/metrics/metrics.h"

#include "test_utils.h"

namespace keras::metrics {
namespace {

const Tensor kProbs = Tensor::from_vector<float>({0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f, 0.2f, 0.5f, 0.3f}, {3, 3});

TEST(Metrics, AccuracyResolvesLikeKeras) {
  auto sparse = MetricRef("accuracy").ptr();
  sparse->update_state(Tensor::from_vector<int64_t>({0, 2, 0}), kProbs);
  EXPECT_NEAR(sparse->result(), 2.0 / 3.0, 1e-9);
  EXPECT_EQ(sparse->name(), "accuracy");

  auto categorical = MetricRef("accuracy").ptr();
  categorical->update_state(Tensor::from_vector<float>({1, 0, 0, 0, 1, 0, 0, 1, 0}, {3, 3}), kProbs);
  EXPECT_NEAR(categorical->result(), 2.0 / 3.0, 1e-9);

  auto binary = MetricRef("acc").ptr();
  binary->update_state(Tensor::from_vector<float>({1, 0, 1, 1}), Tensor::from_vector<float>({0.9f, 0.6f, 0.4f, 0.7f}, {4, 1}));
  EXPECT_NEAR(binary->result(), 0.5, 1e-9);
}

TEST(Metrics, RunningMeanAcrossBatches) {
  SparseCategoricalAccuracy m;
  m.update_state(Tensor::from_vector<int64_t>({0, 2, 0}), kProbs);           // 2 of 3
  m.update_state(Tensor::from_vector<int64_t>({0}), kProbs.slice(0, 1));     // 1 of 1
  EXPECT_NEAR(m.result(), 3.0 / 4.0, 1e-9);
  m.reset_state();
  EXPECT_EQ(m.result(), 0.0);
  Mean mean;
  mean.update(2.0, 3.0);
  mean.update(4.0, 1.0);
  EXPECT_NEAR(mean.result(), 2.5, 1e-12);
}

TEST(Metrics, RegressionAndErrors) {
  auto mse = MetricRef("mse").ptr();
  mse->update_state(Tensor::from_vector<float>({1, 2}, {2, 1}), Tensor::from_vector<float>({2, 2}, {2, 1}));
  EXPECT_NEAR(mse->result(), 0.5, 1e-9);
  testing::expect_error<ValueError>([] { MetricRef("f1_score"); }, {"metric", "f1_score"});
}

}  // namespace
}  // namespace keras::metrics
