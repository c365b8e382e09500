// TensorBoard event files: events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2 in a log
// directory, a sequence of TFRecords (length, masked CRC-32C of the length, the
// serialized Event, masked CRC-32C of the Event) that starts with the file_version event.
// Each record goes to the file in one write() call, so a crash never leaves half a record
// from a completed write; flush() makes the records durable (fsync).
#pragma once

#include <string>
#include <string_view>

namespace keras::callbacks::tensorboard {

/// One record framed as TFRecord: uint64 length (little-endian), masked CRC of those 8
/// bytes, the data, masked CRC of the data.
std::string tfrecord(std::string_view data);

class EventFileWriter {
 public:
  /// Creates `dir` (and its parents) and a new event file there, and writes the first
  /// event (wall_time and file_version "brain.Event:2").
  explicit EventFileWriter(const std::string& dir);
  ~EventFileWriter();
  EventFileWriter(const EventFileWriter&) = delete;
  EventFileWriter& operator=(const EventFileWriter&) = delete;

  /// Appends one serialized Event.
  void write_event(std::string_view event);
  void flush();
  void close();
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace keras::callbacks::tensorboard
