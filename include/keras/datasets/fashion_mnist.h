// keras.datasets.fashion_mnist: 70,000 28x28 grey images of clothes in 10 classes.
// Read from the files of Debian's `dataset-fashion-mnist` package
// (/usr/share/datasets/fashion-mnist), or from $KERAS_FASHION_MNIST_DIR.
//
//   auto [train, test] = keras::datasets::fashion_mnist::load_data();
//   auto& [x_train, y_train] = train;   // uint8 (60000, 28, 28), uint8 (60000,)
#pragma once

#include <string>
#include <utility>

#include "keras/tensor/tensor.h"

namespace keras::datasets::fashion_mnist {

using Split = std::pair<Tensor, Tensor>;

/// ((x_train, y_train), (x_test, y_test)) as uint8 tensors, as Keras returns them.
/// Throws IOError naming the package when the files are missing.
std::pair<Split, Split> load_data(const std::string& directory = "");

/// Class names, index = label.
const char* class_name(int label);

}  // namespace keras::datasets::fashion_mnist
