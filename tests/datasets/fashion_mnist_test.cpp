#include "keras/datasets/fashion_mnist.h"

#include "test_utils.h"

namespace keras::datasets {
namespace {

TEST(FashionMnist, LoadsTheDebianPackage) {
  auto [train, test] = fashion_mnist::load_data();
  EXPECT_EQ(train.first.shape(), Shape({60000, 28, 28}));
  EXPECT_EQ(train.first.dtype(), DType::uint8);
  EXPECT_EQ(train.second.shape(), Shape({60000}));
  EXPECT_EQ(test.first.shape(), Shape({10000, 28, 28}));
  std::vector<int> counts(10, 0);
  for (uint8_t l : test.second.to_vector<uint8_t>()) {
    ASSERT_LT(l, 10);
    ++counts[l];
  }
  for (int c : counts) EXPECT_EQ(c, 1000);  // the test set is balanced
  EXPECT_STREQ(fashion_mnist::class_name(9), "Ankle boot");
}

TEST(FashionMnist, MissingFilesNameThePackage) {
  testing::expect_error<IOError>([] { fashion_mnist::load_data("/nonexistent"); }, {"dataset-fashion-mnist"});
}

}  // namespace
}  // namespace keras::datasets
