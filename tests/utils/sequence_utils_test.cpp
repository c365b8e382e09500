// keras.utils.pad_sequences, against the examples in Keras's sequence_utils.py and its tests.
#include "keras/utils/sequence_utils.h"

#include "test_utils.h"

namespace keras::utils {
namespace {

TEST(PadSequences, PadsAndTruncatesAtEitherEnd) {
  const std::vector<std::vector<double>> seqs{{1}, {2, 3}, {4, 5, 6}};
  Tensor t = pad_sequences(seqs);  // Keras's docstring: [[0 0 1] [0 2 3] [4 5 6]]
  EXPECT_EQ(t.shape(), Shape({3, 3}));
  EXPECT_EQ(t.dtype(), DType::int32);
  EXPECT_EQ(t.to_vector<int32_t>(), (std::vector<int32_t>{0, 0, 1, 0, 2, 3, 4, 5, 6}));
  EXPECT_EQ(pad_sequences(seqs, {.value = -1}).to_vector<int32_t>(),
            (std::vector<int32_t>{-1, -1, 1, -1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(pad_sequences(seqs, {.padding = "post"}).to_vector<int32_t>(),
            (std::vector<int32_t>{1, 0, 0, 2, 3, 0, 4, 5, 6}));
  EXPECT_EQ(pad_sequences(seqs, {.maxlen = 2}).to_vector<int32_t>(), (std::vector<int32_t>{0, 1, 2, 3, 5, 6}));
  EXPECT_EQ(pad_sequences(seqs, {.maxlen = 2, .truncating = "post"}).to_vector<int32_t>(),
            (std::vector<int32_t>{0, 1, 2, 3, 4, 5}));
  // Floats keep their values; empty sequences are all padding; no sequences give (0, 0).
  Tensor f = pad_sequences({{0.5, 1.5}, {}}, {.maxlen = 3, .dtype = DType::float32, .padding = "post"});
  EXPECT_EQ(f.to_vector<float>(), (std::vector<float>{0.5f, 1.5f, 0, 0, 0, 0}));
  EXPECT_EQ(pad_sequences({}).shape(), Shape({0, 0}));
}

TEST(PadSequences, BadArgumentsAreClearErrors) {
  testing::expect_error<ValueError>([] { pad_sequences({{1}}, {.padding = "middle"}); }, {"padding", "middle"});
  testing::expect_error<ValueError>([] { pad_sequences({{1}}, {.truncating = "x"}); }, {"truncating"});
  testing::expect_error<ValueError>([] { pad_sequences({{1}}, {.maxlen = -1}); }, {"maxlen"});
}

}  // namespace
}  // namespace keras::utils
