// Reads the IDX files (gzip-compressed) of Fashion-MNIST. Every size read from a file is
// checked before anything is allocated, so a damaged file gives an IOError.
#include "keras/datasets/fashion_mnist.h"

#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace keras::datasets::fashion_mnist {

using keras::detail::cat;

namespace {

constexpr const char* kDefaultDir = "/usr/share/datasets/fashion-mnist";

class GzFile {
 public:
  explicit GzFile(const std::string& path) : f_(gzopen(path.c_str(), "rb")), path_(path) {
    if (!f_) throw IOError(cat("Cannot open ", path));
  }
  ~GzFile() { if (f_) gzclose(f_); }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;

  void read(void* dst, size_t n) {
    auto* p = static_cast<char*>(dst);
    while (n > 0) {
      const unsigned chunk = static_cast<unsigned>(std::min<size_t>(n, 1u << 30));
      const int got = gzread(f_, p, chunk);
      if (got <= 0) throw IOError(cat(path_, " is truncated or corrupt"));
      p += got;
      n -= static_cast<size_t>(got);
    }
  }
  uint32_t read_be32() {
    unsigned char b[4];
    read(b, 4);
    return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
  }

 private:
  gzFile f_;
  std::string path_;
};

/// An IDX file of unsigned bytes with `expected_rank` dims (1: labels, 3: images).
Tensor read_idx(const std::string& path, int expected_rank) {
  GzFile f(path);
  const uint32_t magic = f.read_be32();
  // 0x00000801 = ubyte labels, 0x00000803 = ubyte images.
  if ((magic >> 8) != 0x08 || static_cast<int>(magic & 0xff) != expected_rank)
    throw IOError(cat(path, ": not an IDX file of ", expected_rank, "-D unsigned bytes (magic ", magic, ")"));
  Shape shape;
  for (int i = 0; i < expected_rank; ++i) {
    const uint32_t d = f.read_be32();
    if (d == 0 || d > 1'000'000) throw IOError(cat(path, ": implausible dimension ", d));
    shape.push_back(d);
  }
  Tensor t = Tensor::empty(shape, DType::uint8, Device::cpu());  // read into host memory
  f.read(t.raw_data(), t.nbytes());
  return t;
}

}  // namespace

std::pair<Split, Split> load_data(const std::string& directory) {
  std::string dir = directory;
  if (dir.empty()) {
    const char* env = std::getenv("KERAS_FASHION_MNIST_DIR");
    dir = env && *env ? env : kDefaultDir;
  }
  const std::string files[] = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                               "t10k-labels-idx1-ubyte.gz"};
  for (const auto& f : files)
    if (!std::filesystem::exists(dir + "/" + f))
      throw IOError(cat("Fashion-MNIST file ", dir, "/", f,
                        " not found. Install the Debian package dataset-fashion-mnist "
                        "(apt-get install dataset-fashion-mnist) or set KERAS_FASHION_MNIST_DIR."));
  Tensor x_train = read_idx(dir + "/" + files[0], 3), y_train = read_idx(dir + "/" + files[1], 1);
  Tensor x_test = read_idx(dir + "/" + files[2], 3), y_test = read_idx(dir + "/" + files[3], 1);
  if (x_train.dim(0) != y_train.dim(0) || x_test.dim(0) != y_test.dim(0))
    throw IOError("Fashion-MNIST: image and label counts differ");
  return {{x_train, y_train}, {x_test, y_test}};
}

const char* class_name(int label) {
  static const char* names[] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return label >= 0 && label < 10 ? names[label] : "?";
}

}  // namespace keras::datasets::fashion_mnist
