#include "keras/utils/file_utils.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "keras/errors.h"

namespace keras::utils {

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(dir)) throw IOError(detail::cat("Cannot save to ", path, ": directory ", dir.string(), " does not exist"));
  std::string tmp_name = ".";
  tmp_name += target.filename().string();
  tmp_name += ".tmp.";
  tmp_name += std::to_string(::getpid());
  const std::string tmp = (dir / tmp_name).string();
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw IOError(detail::cat("Cannot write ", tmp));
      write(out);
      out.flush();
      if (!out) throw IOError(detail::cat("Writing ", tmp, " failed (disk full?)"));
    }
    // Make the data durable before the rename makes it visible.
    const int fd = ::open(tmp.c_str(), O_RDONLY);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw IOError(detail::cat("Cannot rename ", tmp, " to ", path));
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
}

}  // namespace keras::utils
