#include "keras/utils/file_utils.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "keras/distribution/distribution.h"
#include "keras/errors.h"

namespace keras::utils {

namespace {

namespace fs = std::filesystem;

/// Temporary files of earlier saves of `target` whose process is gone (killed mid-save):
/// named ".<file>.tmp.<pid>", so the next save of the same target recognises and removes them.
void remove_stale_temporaries(const fs::path& dir, const std::string& prefix) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string pid_text = name.substr(prefix.size());
    if (pid_text.size() > 9 || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid == ::getpid()) continue;
    if (::kill(pid, 0) != 0 && errno == ESRCH) fs::remove(it->path(), ec);
  }
}

}  // namespace

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  // With several processes training together (DataParallel) the library's files (logs,
  // checkpoints' metadata, saves) are rank 0's to write: the others would write the same
  // bytes to the same place at the same time.
  if (!distribution::distribution()->is_chief()) return;
  // A symlink is followed (its target is replaced, the link stays); a device, FIFO or
  // socket is written through in place (renaming over /dev/null would replace it).
  std::error_code ec;
  fs::path target(path);
  for (int hops = 0; hops < 40 && fs::is_symlink(fs::symlink_status(target, ec)); ++hops) {  // even a dangling link
    const fs::path to = fs::read_symlink(target, ec);
    target = to.is_absolute() ? to : target.parent_path() / to;
  }
  const fs::file_status st = fs::status(target, ec);
  if (fs::exists(st) && fs::is_directory(st))
    throw IOError(detail::cat("Cannot save to ", path, ": it is a directory"));
  if (fs::exists(st) && !fs::is_regular_file(st)) {
    std::ofstream out(target, std::ios::binary);
    if (!out) throw IOError(detail::cat("Cannot write ", path));
    write(out);
    out.flush();
    if (!out) throw IOError(detail::cat("Writing ", path, " failed"));
    return;
  }
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(dir)) throw IOError(detail::cat("Cannot save to ", path, ": directory ", dir.string(), " does not exist"));
  std::string prefix = ".";  // appended, not operator+: GCC 12 warns falsely (-Wrestrict) on the latter
  prefix += target.filename().string();
  prefix += ".tmp.";
  remove_stale_temporaries(dir, prefix);
  const std::string tmp = (dir / (prefix + std::to_string(::getpid()))).string();
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw IOError(detail::cat("Cannot write ", path, " (cannot create a file in ", dir.string(), ")"));
      write(out);
      out.flush();
      if (!out) throw IOError(detail::cat("Writing ", path, " failed (disk full?)"));
    }
    // Make the data durable before the rename makes it visible.
    const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    if (std::rename(tmp.c_str(), target.c_str()) != 0) throw IOError(detail::cat("Cannot replace ", path));
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
}

}  // namespace keras::utils
