// Exception types, named after the Python errors Keras raises, so messages read the same.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace keras {

/// Bad argument value or incompatible shapes (Python's ValueError).
class ValueError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Wrong kind of argument, e.g. an unsupported dtype (Python's TypeError).
class TypeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Something that cannot be done in the current state, e.g. fit before compile.
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A file that cannot be read or written, or a missing data set.
class IOError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A request for more memory than is allowed or available: a batch whose activations
/// exceed keras::config::max_activation_bytes(), or an allocation that failed inside a
/// layer (TensorFlow's ResourceExhaustedError).
class ResourceExhaustedError : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};

namespace detail {
/// Concatenates anything streamable: cat("expected ", 3, " got ", shape.to_string()).
template <class... Args>
std::string cat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}
}  // namespace detail

}  // namespace keras
