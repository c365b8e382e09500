// Small helpers the example programs share: flags and Fashion-MNIST scaled to [0, 1].
#pragma once

#include <cstdlib>
#include <iostream>
#include <string>

#include "keras/keras.h"

namespace examples {

/// `--name N` from the command line, or `fallback`; exits with a message on a bad value.
inline int64_t int_flag(int argc, char** argv, const std::string& name, int64_t fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == name) {
      char* end = nullptr;
      const long long v = std::strtoll(argv[i + 1], &end, 10);
      if (!end || *end || v <= 0) {
        std::cerr << argv[0] << ": " << name << " needs a positive integer, got '" << argv[i + 1] << "'\n";
        std::exit(2);
      }
      return v;
    }
  return fallback;
}

struct FashionMnist {
  keras::Tensor x_train, y_train, x_test, y_test;  // images (n, 28, 28, 1) in [0, 1], labels uint8
};

/// The first `n_train` / `n_test` images of each split.
inline FashionMnist load_fashion_mnist(int64_t n_train = 60000, int64_t n_test = 10000) {
  auto [train, test] = keras::datasets::fashion_mnist::load_data();
  auto prep = [](const keras::Tensor& x) {
    return (x.astype(keras::DType::float32) / 255.0).reshape({-1, 28, 28, 1});
  };
  n_train = std::min(n_train, train.first.dim(0));
  n_test = std::min(n_test, test.first.dim(0));
  return {prep(train.first.slice(0, n_train)), train.second.slice(0, n_train), prep(test.first.slice(0, n_test)),
          test.second.slice(0, n_test)};
}

}  // namespace examples
