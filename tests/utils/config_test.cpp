#include "keras/config/config.h"

#include "test_utils.h"

namespace keras {
namespace {

TEST(Config, NumThreads) {
  const int before = config::num_threads();
  config::set_num_threads(1);
  EXPECT_EQ(config::num_threads(), 1);
  config::set_num_threads(before);
  testing::expect_error<ValueError>([] { config::set_num_threads(0); }, {"positive"});
}

TEST(Utils, ToCategorical) {
  Tensor y = utils::to_categorical(Tensor::from_vector<int64_t>({0, 2, 1}));
  EXPECT_EQ(y.shape(), Shape({3, 3}));
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{1, 0, 0, 0, 0, 1, 0, 1, 0}));
  EXPECT_EQ(utils::to_categorical(Tensor::from_vector<uint8_t>({1}), 4).shape(), Shape({1, 4}));
  testing::expect_error<ValueError>([] { utils::to_categorical(Tensor::from_vector<int64_t>({5}), 3); }, {"out of range"});
}

}  // namespace
}  // namespace keras
