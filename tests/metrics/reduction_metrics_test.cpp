// Mean, Sum, MeanTensor and MeanMetricWrapper's weighting, worked by hand from
// keras/src/metrics/reduction_metrics.py (reduce_to_samplewise_values) and tf.keras's
// MeanTensor (keras/metrics/base_metric.py in Keras 2).
#include "keras/metrics/metrics.h"
#include "test_utils.h"

namespace keras::metrics {
namespace {

Tensor v(std::vector<float> x) { return Tensor::from_vector<float>(x); }
Tensor m(std::vector<float> x, int64_t rows, int64_t cols) { return Tensor::from_vector<float>(x, {rows, cols}); }

TEST(ReductionMetrics, MeanAndSumAsKerasDocuments) {
  Mean mean;
  mean.update_values(v({1, 3, 5, 7}));
  EXPECT_DOUBLE_EQ(mean.result(), 4.0);
  mean.reset_state();
  mean.update_values(v({1, 3, 5, 7}), v({1, 1, 0, 0}));
  EXPECT_DOUBLE_EQ(mean.result(), 2.0);
  Sum sum;
  sum.update_values(v({1, 3, 5, 7}));
  EXPECT_DOUBLE_EQ(sum.result(), 16.0);
  sum.reset_state();
  sum.update_values(v({1, 3, 5, 7}), v({1, 1, 0, 0}));
  EXPECT_DOUBLE_EQ(sum.result(), 4.0);
  sum.update_state({}, v({2}));  // as a compiled metric, y_pred holds the values
  EXPECT_DOUBLE_EQ(sum.result(), 6.0);
  EXPECT_EQ(Mean().result(), 0.0);  // divide_no_nan
}

TEST(ReductionMetrics, WeightsBroadcastPerSample) {
  const Tensor values = m({1, 2, 3, 4, 5, 6}, 2, 3);
  // (batch,) weights weigh each sample's mean: (2 * 1 + 5 * 3) / 4.
  Mean mean;
  mean.update_values(values, v({1, 3}));
  EXPECT_DOUBLE_EQ(mean.result(), 17.0 / 4.0);
  // Sum reduces each sample by summing: 6 * 1 + 15 * 3.
  Sum sum;
  sum.update_values(values, v({1, 3}));
  EXPECT_DOUBLE_EQ(sum.result(), 51.0);
  // (batch, 3) weights: per element, then per-sample means of values and weights:
  // values*w = [[1,0,0],[4,5,6]] -> [1/3, 5]; weights -> [1/3, 1]: (16/3) / (4/3) = 4.
  Mean full;
  full.update_values(values, m({1, 0, 0, 1, 1, 1}, 2, 3));
  EXPECT_DOUBLE_EQ(full.result(), 4.0);
  // (batch, 1) weights squeeze to (batch,).
  Mean col;
  col.update_values(values, m({1, 3}, 2, 1));
  EXPECT_DOUBLE_EQ(col.result(), 17.0 / 4.0);
  // A scalar weight reduces everything to one value weighted once: mean 3.5, count 2.
  Mean scalar;
  scalar.update_values(values, Tensor::scalar(2.0));
  EXPECT_DOUBLE_EQ(scalar.result(), 3.5);
  EXPECT_EQ(scalar.variables().size(), 2u);
  EXPECT_DOUBLE_EQ(*scalar.variables()[1], 2.0);
  testing::expect_error<ValueError>([&] { Mean().update_values(values, v({1, 2, 3})); }, {"broadcast"});
}

TEST(ReductionMetrics, MeanTensorAsTfKerasDocuments) {
  MeanTensor mt;
  mt.update_values(v({0, 1, 2, 3}));
  mt.update_values(v({4, 5, 6, 7}));
  testing::expect_allclose(mt.result_tensor(), v({2, 3, 4, 5}), 1e-6, 0);
  mt.update_values(v({12, 10, 8, 6}), v({0, 0.2f, 0.5f, 1}));
  testing::expect_allclose(mt.result_tensor(), v({2, 8.0f / 2.2f, 4.8f, 16.0f / 3.0f}), 1e-6, 1e-6);
  EXPECT_EQ(mt.variables().size(), 8u);
  testing::expect_error<ValueError>([&] { mt.update_values(v({1, 2})); }, {"MeanTensor", "same shape"});
  testing::expect_error<ValueError>([&] { (void)mt.result(); }, {"result_tensor"});
  mt.reset_state();
  testing::expect_allclose(mt.result_tensor(), v({0, 0, 0, 0}), 0, 0);
  MeanTensor shaped("mt", "float32", std::vector<int64_t>{1, 4});
  EXPECT_EQ(shaped.result_tensor().shape(), Shape({1, 4}));
  testing::expect_error<ValueError>([] { (void)MeanTensor().result_tensor(); }, {"does not have any value"});
}

// Keras 3's MeanMetricWrapper weighs values by y_pred's mask (apply_mask, reduction "sum").
TEST(ReductionMetrics, WrapperAppliesThePredictionMask) {
  const Tensor y = Tensor::zeros(Shape({2, 3, 1}));
  Tensor p = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3, 1});
  p.set_keras_mask(Tensor::from_vector<float>({1, 1, 0, 1, 0, 0}, {2, 3}));
  MeanAbsoluteError mae;
  mae.update_state(y, p);
  EXPECT_NEAR(mae.result(), (1.0 + 2.0 + 4.0) / 3.0, 1e-9);
  // With (batch, steps) sample weights, mask and weights multiply: sample 1 weighted 2.
  mae.reset_state();
  mae.update_state(y, p, m({1, 1, 1, 2, 2, 2}, 2, 3));
  EXPECT_NEAR(mae.result(), (1.0 + 2.0 + 2 * 4.0) / (2 + 2 * 1), 1e-9);
}

TEST(ReductionMetrics, WrapperOfAFunction) {
  MeanMetricWrapper w("abs_diff",
                      [](const Tensor& t, const Tensor& p) { return mean_absolute_percentage_error(t, p); });
  w.set_fn_name("mean_absolute_percentage_error");
  w.update_state(m({1, 2}, 2, 1), m({2, 2}, 2, 1));
  EXPECT_NEAR(w.result(), 50.0, 1e-6);  // 100 * mean(|1-2|/1, 0)
  const ConfigMap c = w.get_config();
  EXPECT_EQ(std::get<std::string>(*config_find(c, "fn")), "mean_absolute_percentage_error");
  const auto back = from_config("MeanMetricWrapper", c);
  back->update_state(m({1, 2}, 2, 1), m({2, 2}, 2, 1));
  EXPECT_NEAR(back->result(), 50.0, 1e-6);
  EXPECT_EQ(back->name(), "abs_diff");
}

}  // namespace
}  // namespace keras::metrics
