// keras::utils::clear_session is declared with the other user helpers in keras/utils/utils.h,
// but the state it clears, the automatic layer names, belongs to layers (layers::reset_names).
// Defining it here keeps the dependency pointing layers -> utils, never utils -> layers.
#include "keras/layers/layer.h"
#include "keras/utils/utils.h"

namespace keras::utils {

void clear_session() { layers::reset_names(); }

}  // namespace keras::utils
