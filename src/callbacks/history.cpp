#include "keras/callbacks/callback.h"

namespace keras::callbacks {

void History::on_epoch_end(int e, const Logs& logs) {
  epoch.push_back(e);
  for (const auto& [k, v] : logs) history[k].push_back(v);
  for (const auto& [k, v] : logs.arrays) arrays[k].push_back(v);
}

}  // namespace keras::callbacks
