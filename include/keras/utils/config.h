// A Keras config: the dict get_config() returns and from_config() reads, as JSON whose
// keys keep their insertion order (Keras writes them in __init__ order). Only the
// forward declaration lives here so that headers can name it cheaply; code that builds
// or reads configs includes keras/layers/layer_config.h.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace keras {

using Config = nlohmann::ordered_json;

}  // namespace keras
