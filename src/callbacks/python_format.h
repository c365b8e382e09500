// Internal: numbers and paths as Python prints them, for callbacks whose output users
// compare with Keras's (CSV logs, checkpoint names, messages).
#pragma once

#include <string>

namespace keras::callbacks::detail {

/// Python's str(float): the shortest text that reads back exactly ("0.1", "1e-05", "3.0").
std::string python_str(double v);
/// NumPy's str(np.float32): the shortest text that reads back as the same float32, in
/// Python's notation ("0.1", "1e-05", "3.0").
std::string python_str(float v);

/// One replacement field's format spec applied to a number, as Python's format():
/// "" (str), "d" / "03d" (integers), ".2f", ".3e", "g", with optional width and zero fill.
std::string python_format(double v, const std::string& spec);

}  // namespace keras::callbacks::detail
