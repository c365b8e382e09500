// MaxNumBoundingBoxes: images pass unchanged in training and at inference, in both
// layouts and inside fit; config and errors.
#include "keras/layers/preprocessing/image_preprocessing/max_num_bounding_boxes.h"

#include "layers/preprocessing/image_preprocessing/augmentation_test_utils.h"

namespace keras::layers {
namespace {

TEST(MaxNumBoundingBoxes, ImagesPassUnchanged) {
  const Tensor x = testing::pattern_images({3, 5, 6, 2});
  for (bool training : {false, true}) {
    testing::expect_allclose(MaxNumBoundingBoxes(3)(x, training), x, 0, 0);
    testing::expect_allclose(MaxNumBoundingBoxes(3, {.data_format = "channels_first"})(x, training), x, 0, 0);
    const Tensor one = ops::squeeze(ops::slice_rows(x, 0, 1), 0);
    testing::expect_allclose(MaxNumBoundingBoxes(0)(one, training), one, 0, 0);
  }
  EXPECT_EQ(MaxNumBoundingBoxes(3).compute_output_shape(Shape{kNone, 5, 6, 2}), Shape({kNone, 5, 6, 2}));
  const TensorList seen = testing::seen_in_fit(MaxNumBoundingBoxes(2), x);
  ASSERT_EQ(seen.size(), 1u);
  testing::expect_allclose(seen[0], x, 0, 0, "in fit");
  testing::run_layer_test([] { return LayerHandle(MaxNumBoundingBoxes(4)); }, {2, 4, 4, 2}, {2, 4, 4, 2});
}

TEST(MaxNumBoundingBoxes, ConfigAndErrors) {
  MaxNumBoundingBoxes layer(3, {.fill_value = -2, .name = "boxes"});
  EXPECT_EQ(
      saving::get_config(layer).dump(),
      R"({"name":"boxes","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"data_format":"channels_last","max_number":3})");
  const auto copy = saving::deserialize_layer(saving::serialize_layer(layer));
  EXPECT_EQ(saving::get_config(*copy).dump(), saving::get_config(layer).dump());
  testing::expect_error<ValueError>([] { MaxNumBoundingBoxes(-1); },
                                    {"`max_number`", "max_number=-1", "MaxNumBoundingBoxes"});
  testing::expect_error<ValueError>([] { MaxNumBoundingBoxes(1, {.data_format = "nchw"}); }, {"data_format"});
}

}  // namespace
}  // namespace keras::layers
