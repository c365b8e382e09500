// What the augmentation layers' tests share: distinct test images, what a layer hands on
// inside model.fit, and the checks every augmentation layer passes (identity at
// inference, seeds repeat, config round trip).
#pragma once

#include "keras/keras.h"
#include "test_utils.h"

namespace keras::testing {

/// A batch whose pixels all differ: value = 1 + (index * 37) mod 251 (in 1..251).
inline Tensor pattern_images(const Shape& shape) {
  std::vector<float> v(static_cast<size_t>(shape.num_elements()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = 1.0f + static_cast<float>((i * 37) % 251);
  return Tensor::from_vector(v, shape);
}

/// The tensors `augmentation` hands to the next layer during one epoch of fit (batch =
/// the whole of x, no shuffling), in a model that then pools and trains a Dense.
inline TensorList seen_in_fit(layers::LayerHandle augmentation, const Tensor& x) {
  auto seen = std::make_shared<TensorList>();
  models::Sequential model({Input(x.shape().slice(1)), augmentation, layers::Lambda([seen](const Tensor& t) {
                              seen->push_back(t.detach());
                              return t;
                            }),
                            layers::GlobalAveragePooling2D(), layers::Dense(1)});
  model.compile("sgd", "mse");
  seen->clear();  // building the model may run the layers
  model.fit(x, Tensor::zeros({x.dim(0), 1}), {.batch_size = x.dim(0), .epochs = 1, .verbose = 0, .shuffle = false});
  return *seen;
}

/// Identity at inference; fixed seeds repeat in training, different seeds differ; the
/// config rebuilds the same layer.
inline void check_augmentation_basics(const std::function<layers::LayerHandle(std::optional<uint64_t>)>& make,
                                      const Tensor& x, bool seeds_differ = true) {
  expect_allclose((*make(1))(x, false), x, 0, 0, "inference");
  const Tensor a = (*make(3))(x, true), b = (*make(3))(x, true);
  expect_allclose(a, b, 0, 0, "same seed");
  if (seeds_differ) {
    const Tensor c = (*make(4))(x, true);
    EXPECT_TRUE(c.shape() != a.shape() || ops::max(ops::abs(ops::subtract(a, c))).item<float>() > 0) << "seeds 3, 4";
  }
  auto layer = make(5);
  const auto copy = saving::deserialize_layer(saving::serialize_layer(*layer));
  EXPECT_EQ(saving::get_config(*copy).dump(), saving::get_config(*layer).dump());
  expect_allclose((*copy)(x, true), (*layer)(x, true), 0, 0, "from_config, same seed");
}

inline float max_abs_diff(const Tensor& a, const Tensor& b) {
  return ops::max(ops::abs(ops::subtract(a, b))).item<float>();
}

}  // namespace keras::testing
