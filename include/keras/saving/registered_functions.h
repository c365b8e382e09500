// Functions registered by name, so that files naming them (custom activations, Lambda
// layers) can be saved and loaded. Loading never runs anything else.
#pragma once

#include <functional>
#include <string>

#include "keras/tensor/tensor.h"

namespace keras::saving {

/// Registers a function under a name (replacing one of the same name).
void register_function(const std::string& name, std::function<Tensor(const Tensor&)> fn);
/// The registered function, or null.
std::function<Tensor(const Tensor&)> find_function(const std::string& name);

}  // namespace keras::saving
