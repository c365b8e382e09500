#include "keras/layers/regularization/activity_regularization.h"

namespace keras::layers {

ActivityRegularization::ActivityRegularization(ActivityRegularizationOptions o)
    : Concrete("ActivityRegularization", LayerArgs{o.input_shape, o.name, o.dtype, o.trainable}), o_(std::move(o)) {
  // Keras builds it on an L1L2 activity regularizer (which validates the factors).
  set_activity_regularizer(regularizers::L1L2(o_.l1, o_.l2));
}

}  // namespace keras::layers
