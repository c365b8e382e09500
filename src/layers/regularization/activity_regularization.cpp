#include "keras/layers/regularization/activity_regularization.h"
#include "keras/layers/layer_config.h"

namespace keras::layers {

ActivityRegularization::ActivityRegularization(ActivityRegularizationOptions o)
    : Concrete("ActivityRegularization", layer_args_of(o)), o_(std::move(o)) {
  // Keras builds it on an L1L2 activity regularizer (which validates the factors).
  set_activity_regularizer(regularizers::L1L2(o_.l1, o_.l2));
}

Config ActivityRegularization::get_config() const {
  Config c = Layer::get_config();
  c.erase("activity_regularizer");  // Keras writes l1 and l2 instead
  write_fields(c, o_);
  return c;
}

std::shared_ptr<Layer> ActivityRegularization::from_config(const Config& config) {
  ConfigReader r(config);
  try {
    return std::make_shared<ActivityRegularization>(r.options<ActivityRegularizationOptions>());
  } catch (const ValueError& e) {
    r.fail(e.what());
  }
}

}  // namespace keras::layers
