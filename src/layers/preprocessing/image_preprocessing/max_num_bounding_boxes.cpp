#include "keras/layers/preprocessing/image_preprocessing/max_num_bounding_boxes.h"

#include "keras/layers/layer_config.h"

namespace keras::layers {

using keras::detail::cat;

MaxNumBoundingBoxes::MaxNumBoundingBoxes(int64_t max_number, MaxNumBoundingBoxesOptions o)
    : Concrete("MaxNumBoundingBoxes", layer_args_of(o), o.data_format, std::nullopt),
      max_number_(max_number),
      options_(std::move(o)) {
  if (max_number_ < 0)
    fail(cat("The `max_number` argument should be a non-negative integer. Received: max_number=", max_number_));
}

Config MaxNumBoundingBoxes::get_config() const {
  Config c = Layer::get_config();
  write_fields(c, options_, this);
  c["max_number"] = max_number_;
  return c;
}

std::shared_ptr<Layer> MaxNumBoundingBoxes::from_config(const Config& config) {
  return ConfigReader(config).make<MaxNumBoundingBoxes, int64_t>("max_number");
}

}  // namespace keras::layers
