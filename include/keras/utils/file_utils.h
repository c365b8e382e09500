// Writing files safely: everything the library saves goes through here.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

namespace keras::utils {

/// Writes a file by calling `write` on a temporary file beside `path`, flushing it to
/// disk and renaming it over `path`. If anything fails, `path` is left as it was and
/// IOError is thrown. Under data parallelism (several processes, keras::distribution)
/// only rank 0 writes; on the others it does nothing.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace keras::utils
