// The persistent cache of packed convolution kernels (keras::config::kernel_cache_dir,
// src/backend/cpu/onednn/kernel_cache.h). A second model with the same weights stands in
// for a second process: it has its own kernel storage, so only the file can spare it the
// packing.
#include "backend/cpu/onednn/kernel_cache.h"

#include <filesystem>
#include <fstream>
#include <random>

#include "backend/cpu/onednn/onednn.h"
#include "keras/keras.h"
#include "test_utils.h"

namespace keras {
namespace {

namespace fs = std::filesystem;
namespace onednn = backend::cpu::onednn;

/// A fresh cache directory set for the test's length, removed after.
struct CacheDir {
  std::string path;
  explicit CacheDir(const std::string& name) : path(testing::temp_dir() + "/" + name) {
    fs::remove_all(path);
    config::set_kernel_cache_dir(path);
  }
  ~CacheDir() {
    config::set_kernel_cache_dir("");
    onednn::set_kernel_cache_limit(uint64_t{2} << 30);
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::vector<fs::path> files() const {
    std::vector<fs::path> out;
    if (fs::is_directory(path))
      for (const auto& e : fs::directory_iterator(path)) out.push_back(e.path());
    return out;
  }
};

// 16 -> 32 channels: oneDNN wants a blocked weights layout for this, so the kernel is packed.
Sequential conv_model(int seed) {
  Sequential m({Input({6, 6, 16}), layers::Conv2D(32, 3, {.padding = "same", .use_bias = false})});
  m.layers()[0]->set_weights({testing::random_tensor({3, 3, 16, 32}, seed)});
  return m;
}

Tensor expected(const Tensor& x, const Sequential& m) {
  return ops::conv(x, m.layers()[0]->weights()[0].value().detach().clone(), Tensor(), {1, 1}, "same", {1, 1});
}

void expect_same(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.shape(), b.shape());
  const auto av = a.to_vector<float>(), bv = b.to_vector<float>();
  for (size_t i = 0; i < av.size(); ++i) ASSERT_EQ(av[i], bv[i]) << "element " << i;
}

const Tensor& input() {
  static const Tensor x = testing::random_tensor({2, 6, 6, 16}, 100);
  return x;
}

TEST(KernelCache, ASecondModelWithTheSameWeightsMapsTheFileInsteadOfPacking) {
  CacheDir dir("kernel_cache_reuse");
  const uint64_t writes = onednn::kernel_cache_writes(), hits = onednn::kernel_cache_hits();
  Sequential a = conv_model(1);
  const Tensor first = a.predict_on_batch(input());
  EXPECT_EQ(onednn::kernel_cache_writes(), writes + 1);
  ASSERT_EQ(dir.files().size(), 1u);
  EXPECT_EQ(dir.files()[0].extension(), ".kpack");
  expect_same(first, expected(input(), a));

  Sequential b = conv_model(1);
  const uint64_t reorders = onednn::kernel_reorder_count();
  expect_same(b.predict_on_batch(input()), first);
  EXPECT_EQ(onednn::kernel_reorder_count(), reorders) << "packed again instead of mapping the file";
  EXPECT_EQ(onednn::kernel_cache_hits(), hits + 1);
  EXPECT_EQ(onednn::kernel_cache_writes(), writes + 1);
}

TEST(KernelCache, OtherWeightsFindNoFileAndWriteTheirOwn) {
  CacheDir dir("kernel_cache_other");
  Sequential a = conv_model(1), b = conv_model(2);
  a.predict_on_batch(input());
  const uint64_t hits = onednn::kernel_cache_hits();
  expect_same(b.predict_on_batch(input()), expected(input(), b));
  EXPECT_EQ(onednn::kernel_cache_hits(), hits);
  EXPECT_EQ(dir.files().size(), 2u);
}

// A file is untrusted: a changed byte anywhere, a short file or a foreign one is not used;
// the kernel is packed again and the file rewritten.
TEST(KernelCache, ADamagedFileIsNotUsedAndIsRewritten) {
  CacheDir dir("kernel_cache_damaged");
  Sequential a = conv_model(3);
  const Tensor want = a.predict_on_batch(input());
  ASSERT_EQ(dir.files().size(), 1u);
  const fs::path file = dir.files()[0];
  const auto size = static_cast<std::streamoff>(fs::file_size(file));
  auto damage = [&](const std::string& how) {
    if (how == "truncated") {
      fs::resize_file(file, static_cast<uintmax_t>(size - 1));
    } else if (how == "empty") {
      fs::resize_file(file, 0);
    } else {
      std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
      const std::streamoff at = how == "payload" ? size - 5 : how == "magic" ? 0 : 8;  // "key": the header's key
      f.seekg(at);
      char c = 0;
      f.read(&c, 1);
      f.seekp(at);
      c = static_cast<char>(c ^ 0x10);
      f.write(&c, 1);
    }
  };
  for (const std::string how : {"payload", "magic", "key", "truncated", "empty"}) {
    SCOPED_TRACE(how);
    damage(how);
    Sequential b = conv_model(3);
    const uint64_t hits = onednn::kernel_cache_hits(), reorders = onednn::kernel_reorder_count();
    expect_same(b.predict_on_batch(input()), want);
    EXPECT_EQ(onednn::kernel_cache_hits(), hits);
    EXPECT_EQ(onednn::kernel_reorder_count(), reorders + 1);
    ASSERT_EQ(fs::file_size(file), static_cast<uintmax_t>(size)) << "not rewritten";
    Sequential c = conv_model(3);
    expect_same(c.predict_on_batch(input()), want);
    EXPECT_EQ(onednn::kernel_cache_hits(), hits + 1) << "the rewritten file was not used";
  }
}

TEST(KernelCache, TrainingNeitherReadsNorWritesIt) {
  CacheDir dir("kernel_cache_training");
  Sequential m = conv_model(4);
  m.compile(optimizers::get("sgd"), "mse");
  const Tensor y = testing::random_tensor({2, 6, 6, 32}, 5);
  const uint64_t writes = onednn::kernel_cache_writes();
  for (int step = 0; step < 2; ++step) {
    m.train_on_batch(input(), y);
    // A kernel that changed since its last packing is packed in memory only.
    expect_same(m.predict_on_batch(input()), expected(input(), m));
  }
  EXPECT_EQ(onednn::kernel_cache_writes(), writes);
  EXPECT_TRUE(dir.files().empty());
}

TEST(KernelCache, ADirectoryItCannotMakeLeavesPredictUnchanged) {
  const std::string blocker = testing::temp_dir() + "/kernel_cache_blocker";
  std::ofstream(blocker) << "a file, not a directory";
  config::set_kernel_cache_dir(blocker + "/cache");
  Sequential m = conv_model(6);
  ::testing::internal::CaptureStderr();
  const Tensor got = m.predict_on_batch(input());
  const std::string err = ::testing::internal::GetCapturedStderr();
  config::set_kernel_cache_dir("");
  expect_same(got, expected(input(), m));
  EXPECT_NE(err.find("cannot write the kernel cache in " + blocker + "/cache"), std::string::npos) << err;
  fs::remove(blocker);
}

TEST(KernelCache, TheLeastRecentlyUsedFilesGoOverTheLimit) {
  CacheDir dir("kernel_cache_limit");
  Sequential a = conv_model(7);
  a.predict_on_batch(input());
  ASSERT_EQ(dir.files().size(), 1u);
  const fs::path oldest = dir.files()[0];
  // Room for two files: the third write removes the least recently used one.
  onednn::set_kernel_cache_limit(2 * fs::file_size(oldest) + 100);
  fs::last_write_time(oldest, fs::file_time_type::clock::now() - std::chrono::minutes(5));
  Sequential b = conv_model(8), c = conv_model(9);
  b.predict_on_batch(input());
  EXPECT_EQ(dir.files().size(), 2u);
  c.predict_on_batch(input());
  const auto left = dir.files();
  EXPECT_EQ(left.size(), 2u);
  EXPECT_TRUE(std::find(left.begin(), left.end(), oldest) == left.end()) << "the oldest file was kept";
}

TEST(KernelCache, TheContentHashIsTheSameOnAnyThreadCountAndSeesOneBit) {
  std::vector<unsigned char> bytes((size_t{5} << 20) + 13);
  std::mt19937 rng(11);
  for (auto& b : bytes) b = static_cast<unsigned char>(rng());
  const int threads = config::num_threads();
  config::set_num_threads(1);
  const uint64_t one = onednn::content_hash(bytes.data(), bytes.size());
  config::set_num_threads(2);
  const uint64_t two = onednn::content_hash(bytes.data(), bytes.size());
  config::set_num_threads(threads);
  EXPECT_EQ(one, two);
  for (size_t at : {size_t{0}, size_t{1} << 20, bytes.size() - 1}) {
    bytes[at] ^= 1;
    EXPECT_NE(onednn::content_hash(bytes.data(), bytes.size()), one) << "a flipped bit at " << at;
    bytes[at] ^= 1;
  }
  EXPECT_NE(onednn::content_hash(bytes.data(), bytes.size() - 1), one);
}

}  // namespace
}  // namespace keras
