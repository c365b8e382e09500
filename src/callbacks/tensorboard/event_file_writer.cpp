#include "callbacks/tensorboard/event_file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "callbacks/tensorboard/crc32c.h"
#include "callbacks/tensorboard/events.h"
#include "keras/errors.h"

namespace keras::callbacks::tensorboard {
namespace {

std::string hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

void put_le(std::string& out, uint64_t v, int nbytes) {
  for (int i = 0; i < nbytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::atomic<int> file_counter{0};

}  // namespace

std::string tfrecord(std::string_view data) {
  std::string header;
  put_le(header, data.size(), 8);
  std::string record = header;
  record.reserve(header.size() + data.size() + 8);
  put_le(record, masked_crc32c(header), 4);
  record.append(data);
  put_le(record, masked_crc32c(data), 4);
  return record;
}

EventFileWriter::EventFileWriter(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw IOError(detail::cat("TensorBoard: cannot create the log directory \"", dir, "\": ", ec.message()));
  const double now = wall_time_now();
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%010lld", static_cast<long long>(std::floor(now)));
  const std::string name = detail::cat("events.out.tfevents.", seconds, ".", hostname(), ".", ::getpid(), ".",
                                       file_counter.fetch_add(1), ".v2");
  path_ = (std::filesystem::path(dir) / name).string();
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IOError(detail::cat("TensorBoard: cannot create \"", path_, "\": ", std::strerror(errno)));
  write_event(file_version_event(now));
  flush();
}

EventFileWriter::~EventFileWriter() {
  if (fd_ >= 0) ::close(fd_);  // no throwing from a destructor; close() reports errors
}

void EventFileWriter::write_event(std::string_view event) {
  if (fd_ < 0) throw IOError(detail::cat("TensorBoard: the event file \"", path_, "\" is closed"));
  const std::string record = tfrecord(event);
  // One write() per record; the loop only continues a write the kernel cut short.
  size_t done = 0;
  while (done < record.size()) {
    const ssize_t n = ::write(fd_, record.data() + done, record.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw IOError(detail::cat("TensorBoard: cannot write \"", path_, "\": ", std::strerror(errno)));
    done += static_cast<size_t>(n);
  }
}

void EventFileWriter::flush() {
  if (fd_ >= 0 && ::fsync(fd_) != 0 && errno != EINVAL)
    throw IOError(detail::cat("TensorBoard: cannot flush \"", path_, "\": ", std::strerror(errno)));
}

void EventFileWriter::close() {
  if (fd_ < 0) return;
  flush();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw IOError(detail::cat("TensorBoard: cannot close \"", path_, "\": ", std::strerror(errno)));
}

}  // namespace keras::callbacks::tensorboard
