// String tensors (DType::string): made from and read back as std::string, moved by the
// data-movement ops (views, gather, concatenate, transpose, copies) element by element,
// refused by arithmetic with a TypeError, and read from / written to NumPy's '<U' and
// '|S' .npy arrays (files in tests/data/strings written by NumPy 1.24).
#include <filesystem>
#include <fstream>

#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/tensor/npy.h"
#include "test_utils.h"

namespace keras {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("keras_str_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

using Strings = std::vector<std::string>;

TEST(StringTensor, HoldsStrings) {
  // Long strings too: they live outside the small-string buffer, so a bytewise copy
  // would share (and doubly free) their memory.
  const std::string long_one(100, 'x');
  const Tensor t = Tensor::from_vector<std::string>({"a", "", long_one, "d"}, {2, 2});
  EXPECT_EQ(t.dtype(), DType::string);
  EXPECT_EQ(dtype_name(t.dtype()), "string");
  EXPECT_EQ(dtype_from_name("string"), DType::string);
  EXPECT_EQ(t.shape(), (Shape{2, 2}));
  EXPECT_EQ(t.to_vector<std::string>(), (Strings{"a", "", long_one, "d"}));
  EXPECT_EQ(Tensor::empty({3}, DType::string).to_vector<std::string>(), (Strings{"", "", ""}));
  EXPECT_NE(t.to_string().find("\"a\""), std::string::npos);
  // clone is deep: writing the copy leaves the original alone.
  const Tensor c = t.clone();
  c.data<std::string>()[2] = "changed";
  EXPECT_EQ(t.to_vector<std::string>()[2], long_one);
  // Views share the strings.
  EXPECT_EQ(t.reshape({4}).to_vector<std::string>(), (Strings{"a", "", long_one, "d"}));
  EXPECT_EQ(t.slice(1, 2).to_vector<std::string>(), (Strings{long_one, "d"}));
}

TEST(StringTensor, DataMovementOps) {
  const std::string long_one(64, 'y');
  const Tensor t = Tensor::from_vector<std::string>({"a", "b", long_one, "d", "e", "f"}, {3, 2});
  EXPECT_EQ(ops::take_rows(t, Tensor::from_vector<int64_t>({2, 0, 2})).to_vector<std::string>(),
            (Strings{"e", "f", "a", "b", "e", "f"}));
  EXPECT_EQ(ops::concatenate({t, t.slice(0, 1)}, 0).to_vector<std::string>(),
            (Strings{"a", "b", long_one, "d", "e", "f", "a", "b"}));
  EXPECT_EQ(ops::concatenate({t, t}, 1).to_vector<std::string>(),
            (Strings{"a", "b", "a", "b", long_one, "d", long_one, "d", "e", "f", "e", "f"}));
  EXPECT_EQ(ops::transpose(t).to_vector<std::string>(), (Strings{"a", long_one, "e", "b", "d", "f"}));
  EXPECT_EQ(ops::expand_dims(t, -1).shape(), (Shape{3, 2, 1}));
  EXPECT_EQ(ops::squeeze(ops::expand_dims(t, -1), -1).to_vector<std::string>(), t.to_vector<std::string>());
  EXPECT_EQ(ops::stack({t, t}, 0).shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(ops::cast(t, DType::string).to_vector<std::string>(), t.to_vector<std::string>());
}

TEST(StringTensor, ArithmeticAndNumbersAreTypeErrors) {
  const Tensor t = Tensor::from_vector<std::string>({"1", "2"});
  EXPECT_THROW(ops::add(t, t), TypeError);
  EXPECT_THROW(ops::exp(t), TypeError);
  EXPECT_THROW(ops::sum(t), TypeError);
  EXPECT_THROW(ops::cast(t, DType::float32), TypeError);
  EXPECT_THROW(ops::cast(Tensor::ones({2}), DType::string), TypeError);
  EXPECT_THROW(Tensor::zeros({2}, DType::string), TypeError);
  EXPECT_THROW(t.to_vector<float>(), TypeError);
  EXPECT_THROW(Tensor::ones({2}).to_vector<std::string>(), TypeError);
  EXPECT_THROW(Tensor(t).set_requires_grad(), TypeError);
  EXPECT_THROW((void)t.item<double>(), ValueError);  // two elements
  EXPECT_THROW((void)Tensor::from_vector<std::string>({"1"}).item<double>(), TypeError);
}

TEST(StringTensor, ReadsNumpyStringArrays) {
  const Tensor u = load_npy(testing::data_dir() + "/strings/unicode.npy");  // '<U11'
  EXPECT_EQ(u.dtype(), DType::string);
  EXPECT_EQ(u.shape(), (Shape{2, 2}));
  EXPECT_EQ(u.to_vector<std::string>(),
            (Strings{"hello", "h\xc3\xa9llo w\xc3\xb6rld", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", ""}));
  const Tensor b = load_npy(testing::data_dir() + "/strings/bytes.npy");  // '|S3'
  EXPECT_EQ(b.to_vector<std::string>(), (Strings{"ab", std::string("c\0d", 3), ""}));
  const Tensor s = load_npy(testing::data_dir() + "/strings/scalar.npy");
  EXPECT_EQ(s.shape(), Shape{});
  EXPECT_EQ(s.to_vector<std::string>(), (Strings{"one"}));
}

TEST(StringTensor, NpyRoundTripAsNumpyWritesIt) {
  const std::string p = temp_path("rt.npy");
  const Tensor t = Tensor::from_vector<std::string>(
      {"hello", "h\xc3\xa9llo w\xc3\xb6rld", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", ""}, {2, 2});
  save_npy(p, t);
  // Byte for byte what NumPy wrote for the same array.
  std::ifstream ours(p, std::ios::binary), theirs(testing::data_dir() + "/strings/unicode.npy", std::ios::binary);
  const std::string a((std::istreambuf_iterator<char>(ours)), {}), b((std::istreambuf_iterator<char>(theirs)), {});
  EXPECT_EQ(a, b);
  EXPECT_EQ(load_npy(p).to_vector<std::string>(), t.to_vector<std::string>());
  EXPECT_THROW(save_npy(p, Tensor::from_vector<std::string>({"\xff"})), ValueError);  // not UTF-8
  std::filesystem::remove(p);
}

TEST(StringTensor, DamagedStringNpyFilesAreIOErrors) {
  const std::string p = temp_path("bad.npy");
  auto write = [&](const std::string& descr, const std::string& shape, const std::string& data) {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    header += std::string((64 - (10 + header.size() + 1) % 64) % 64, ' ') + "\n";
    std::ofstream out(p, std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    const char len[2] = {static_cast<char>(header.size() & 0xff), static_cast<char>(header.size() >> 8)};
    out.write(len, 2);
    out << header << data;
  };
  write("<U2", "(3,)", std::string(8, 'a'));  // 3 strings of 8 bytes need 24
  EXPECT_THROW(load_npy(p), IOError);
  write("<U1", "(1,)", std::string("\x00\xd8\x00\x00", 4));  // a lone surrogate
  EXPECT_THROW(load_npy(p), IOError);
  write("<U1", "(1,)", std::string("\x00\x00\x11\x00", 4));  // past U+10FFFF
  EXPECT_THROW(load_npy(p), IOError);
  write("<U0", "(1,)", "");
  EXPECT_THROW(load_npy(p), IOError);
  write("<U99999999999", "(1,)", "");
  EXPECT_THROW(load_npy(p), IOError);
  write("<U1", "(1099511627776,)", "");
  EXPECT_THROW(load_npy(p), IOError);
  std::filesystem::remove(p);
}

}  // namespace
}  // namespace keras
