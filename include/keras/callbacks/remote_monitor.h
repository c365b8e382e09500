// keras.callbacks.RemoteMonitor: POSTs each epoch's logs, {"epoch": epoch, **logs} as JSON,
// to root + path over plain HTTP, either as a form field or as a JSON body. A server that
// cannot be reached (or answers an error) gives a warning, never a failed fit.
// https://github.com/keras-team/keras/blob/master/keras/src/callbacks/remote_monitor.py
//
//   callbacks::RemoteMonitor({.root = "http://localhost:9000", .send_as_json = true});
#pragma once

#include <map>
#include <string>

#include "keras/callbacks/callback.h"

namespace keras::callbacks {

/// Keras's arguments in its order, then ours.
struct RemoteMonitorOptions {
  std::string root = "http://localhost:9000";  // http:// only: no TLS without a dependency
  std::string path = "/publish/epoch/end/";
  std::string field = "data";                    // the form field that holds the JSON (send_as_json = false)
  std::map<std::string, std::string> headers{};  // override the defaults (e.g. Content-Type)
  bool send_as_json = false;
  /// Bounds connecting, sending and reading the answer together, so fit never hangs (Keras
  /// gives requests timeout=10).
  double timeout_seconds = 10.0;
};

class RemoteMonitor : public Callback {
 public:
  /// Throws ValueError for a root or path that is not a plain http:// URL on one host.
  explicit RemoteMonitor(RemoteMonitorOptions options = {});
  void on_epoch_end(int epoch, const Logs& logs) override;

 private:
  RemoteMonitorOptions o_;
  std::string host_, port_, target_;  // where root + path points
};

}  // namespace keras::callbacks
