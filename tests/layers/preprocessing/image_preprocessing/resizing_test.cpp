// Resizing and CenterCrop: every interpolation, the aspect-ratio modes, both layouts,
// unbatched images, gradients, configs, errors.
#include "keras/layers/preprocessing/image_preprocessing/resizing.h"

#include "keras/layers/preprocessing/image_preprocessing/center_crop.h"
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;
using testing::run_layer_test;

std::vector<float> values(const Tensor& t) { return t.to_vector<float>(); }

TEST(Resizing, RunLayerTestEveryInterpolation) {
  for (const std::string interp : {"bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area"}) {
    SCOPED_TRACE(interp);
    run_layer_test([&] { return LayerHandle(Resizing(5, 3, {.interpolation = interp})); }, {2, 4, 6, 2}, {2, 5, 3, 2});
  }
  run_layer_test([] { return LayerHandle(Resizing(3, 4, {.antialias = true})); }, {2, 7, 9, 2}, {2, 3, 4, 2});
  run_layer_test([] { return LayerHandle(Resizing(3, 3, {.crop_to_aspect_ratio = true})); }, {2, 4, 6, 1},
                 {2, 3, 3, 1});
  run_layer_test([] { return LayerHandle(Resizing(3, 3, {.pad_to_aspect_ratio = true, .fill_value = 2.0})); },
                 {2, 4, 6, 1}, {2, 3, 3, 1});
  run_layer_test([] { return LayerHandle(Resizing(3, 5, {.data_format = "channels_first"})); }, {2, 2, 4, 4},
                 {2, 2, 3, 5});
}

TEST(Resizing, MatchesTheResizeOp) {
  const Tensor x = testing::random_tensor({2, 5, 7, 3}, 1, 0.0, 255.0);
  for (const std::string interp : {"bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area"})
    testing::expect_allclose(Resizing(8, 6, {.interpolation = interp})(x), ops::image::resize(x, {8, 6}, interp), 0, 0,
                             interp);
  testing::expect_allclose(Resizing(3, 4, {.antialias = true})(x), ops::image::resize(x, {3, 4}, "bilinear", true), 0,
                           0, "antialias");
}

TEST(Resizing, CropAndPadToAspectRatio) {
  // 4x6 to 2x2 with crop: the centred 4x4 window, then halved.
  std::vector<float> v(24);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  const Tensor x = Tensor::from_vector(v, {1, 4, 6, 1});
  const Tensor window = ops::slice(x, {0, 0, 1, 0}, {1, 4, 4, 1});
  testing::expect_allclose(Resizing(2, 2, {.crop_to_aspect_ratio = true})(x), ops::image::resize(window, {2, 2}), 1e-6,
                           1e-6);
  // With pad: one row of fill above and below makes it 6x6.
  const Tensor padded = ops::pad(x, {{0, 0}, {1, 1}, {0, 0}, {0, 0}}, 9.0);
  testing::expect_allclose(Resizing(3, 3, {.pad_to_aspect_ratio = true, .fill_value = 9.0})(x),
                           ops::image::resize(padded, {3, 3}), 1e-6, 1e-6);
  // Same size and aspect: the identity.
  EXPECT_EQ(values(Resizing(4, 6, {.crop_to_aspect_ratio = true})(x)), v);
  // A tall image pads columns: 6x4 to 3x3 adds one column on each side.
  const Tensor tall = ops::reshape(x, {1, 6, 4, 1});
  const Tensor wide = ops::pad(tall, {{0, 0}, {0, 0}, {1, 1}, {0, 0}});
  testing::expect_allclose(Resizing(3, 3, {.pad_to_aspect_ratio = true})(tall), ops::image::resize(wide, {3, 3}), 1e-6,
                           1e-6);
}

TEST(Resizing, UnbatchedAndChannelsFirst) {
  const Tensor x = testing::random_tensor({2, 5, 6, 3}, 2);
  const Tensor want = Resizing(4, 4, {.interpolation = "bicubic"})(x);
  const Tensor one = Resizing(4, 4, {.interpolation = "bicubic"})(ops::slice(x, {1, 0, 0, 0}, {1, 5, 6, 3}));
  testing::expect_allclose(
      Resizing(4, 4, {.interpolation = "bicubic"})(ops::reshape(ops::slice(x, {1, 0, 0, 0}, {1, 5, 6, 3}), {5, 6, 3})),
      ops::reshape(one, {4, 4, 3}), 0, 0);
  const Tensor cf =
      Resizing(4, 4, {.interpolation = "bicubic", .data_format = "channels_first"})(ops::transpose(x, {0, 3, 1, 2}));
  testing::expect_allclose(cf, ops::transpose(want, {0, 3, 1, 2}), 1e-6, 1e-6);
  EXPECT_EQ(Resizing(7, 8).compute_output_shape(Shape{kNone, kNone, kNone, 3}), Shape({kNone, 7, 8, 3}));
  EXPECT_EQ(Resizing(7, 8, {.data_format = "channels_first"}).compute_output_shape(Shape{3, 10, 10}), Shape({3, 7, 8}));
}

TEST(Resizing, Gradients) {
  Resizing bilinear(5, 4);
  testing::check_layer_gradients(bilinear, testing::random_tensor({2, 3, 6, 2}, 3));
  Resizing crop(3, 3, {.interpolation = "bicubic", .crop_to_aspect_ratio = true});
  testing::check_layer_gradients(crop, testing::random_tensor({1, 4, 6, 2}, 4));
  Resizing pad(3, 3, {.pad_to_aspect_ratio = true, .fill_value = 1.0, .data_format = "channels_first"});
  testing::check_layer_gradients(pad, testing::random_tensor({1, 2, 4, 6}, 5));
}

TEST(Resizing, ConfigInKerasOrder) {
  const Config c = Resizing(6, 7, {.interpolation = "lanczos3", .fill_value = 7.0, .name = "r"}).get_config();
  std::vector<std::string> keys;
  for (const auto& [k, v] : c.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "trainable", "dtype", "data_format", "height", "width",
                                            "interpolation", "crop_to_aspect_ratio", "pad_to_aspect_ratio", "fill_mode",
                                            "fill_value", "antialias"}));
  const auto copy = Resizing::from_config(c);
  const auto& r = dynamic_cast<const Resizing&>(*copy);
  EXPECT_EQ(r.height(), 6);
  EXPECT_EQ(r.width(), 7);
  EXPECT_EQ(r.options().interpolation, "lanczos3");
  EXPECT_EQ(r.options().fill_value, 7.0);
  EXPECT_EQ(r.get_config().dump(), c.dump());
}

TEST(Resizing, Errors) {
  expect_error<ValueError>([] { Resizing(0, 4, {.name = "rz"}); }, {"height", "Received: height=0, width=4", "rz"});
  expect_error<ValueError>([] { Resizing(4, -2); }, {"width=-2"});
  expect_error<ValueError>([] { Resizing(4, 4, {.interpolation = "cubic"}); }, {"interpolation", "cubic", "lanczos5"});
  expect_error<ValueError>([] { Resizing(4, 4, {.crop_to_aspect_ratio = true, .pad_to_aspect_ratio = true}); },
                           {"pad_to_aspect_ratio", "crop_to_aspect_ratio"});
  expect_error<ValueError>([] { Resizing(4, 4, {.fill_mode = "reflect"}); }, {"fill_mode", "reflect"});
  expect_error<ValueError>([] { Resizing(4, 4, {.data_format = "nchw"}); }, {"data_format", "nchw"});
  expect_error<ValueError>([] { Resizing(4, 4)(Tensor::ones({2, 3})); }, {"rank 3", "(2, 3)"});
}

TEST(CenterCrop, SmallerTargetCrops) {
  std::vector<float> v(56);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  const Tensor x = Tensor::from_vector(v, {1, 8, 7, 1});
  // 8x7 to 5x4: rows 1..5, columns 1..4 (offsets (8 - 5) // 2, (7 - 4) // 2).
  EXPECT_EQ(values(CenterCrop(5, 4)(x)), values(ops::slice(x, {0, 1, 1, 0}, {1, 5, 4, 1})));
  EXPECT_EQ(values(CenterCrop(8, 7)(x)), v);
  EXPECT_EQ(values(CenterCrop(2, 3, {.data_format = "channels_first"})(ops::reshape(x, {1, 1, 8, 7}))),
            values(ops::slice(x, {0, 3, 2, 0}, {1, 2, 3, 1})));
  EXPECT_EQ(values(CenterCrop(5, 4)(ops::reshape(x, {8, 7, 1}))), values(ops::slice(x, {0, 1, 1, 0}, {1, 5, 4, 1})));
}

TEST(CenterCrop, LargerTargetResizes) {
  // Keras's smart_resize: crop to the target's aspect ratio, then bilinear.
  const Tensor x = testing::random_tensor({2, 8, 7, 3}, 6);
  // 10x12 from 8x7: crop height int(7 * 10 / 12) = 5, rows from 1; all 7 columns.
  testing::expect_allclose(CenterCrop(10, 12)(x),
                           ops::image::resize(ops::slice(x, {0, 1, 0, 0}, {2, 5, 7, 3}), {10, 12}), 1e-6, 1e-6);
  // Larger along one axis only also resizes: 9x3 from 8x7 crops to 8x2, columns from 2.
  testing::expect_allclose(CenterCrop(9, 3)(x), ops::image::resize(ops::slice(x, {0, 0, 2, 0}, {2, 8, 2, 3}), {9, 3}),
                           1e-6, 1e-6);
}

TEST(CenterCrop, RunLayerTestConfigAndErrors) {
  run_layer_test([] { return LayerHandle(CenterCrop(3, 4)); }, {2, 5, 6, 2}, {2, 3, 4, 2});
  run_layer_test([] { return LayerHandle(CenterCrop(6, 8)); }, {2, 5, 6, 2}, {2, 6, 8, 2});
  run_layer_test([] { return LayerHandle(CenterCrop(3, 3, {.data_format = "channels_first"})); }, {2, 2, 5, 6},
                 {2, 2, 3, 3});
  const Config c = CenterCrop(5, 4, {.name = "cc"}).get_config();
  std::vector<std::string> keys;
  for (const auto& [k, v] : c.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "trainable", "dtype", "data_format", "height", "width"}));
  EXPECT_EQ(CenterCrop::from_config(c)->get_config().dump(), c.dump());
  expect_error<ValueError>([] { CenterCrop(0, 3, {.name = "cc"}); }, {"height", "Received: height=0", "cc"});
  expect_error<ValueError>([] { CenterCrop(3, 3, {.data_format = "last"}); }, {"data_format", "last"});
  expect_error<ValueError>([] { CenterCrop(3, 3)(Tensor::ones({1, 2, 5, 5, 1})); }, {"rank 3", "(1, 2, 5, 5, 1)"});
}

}  // namespace
}  // namespace keras::layers
