// oneDNN plumbing shared by the primitive wrappers: the engine, a per-thread stream,
// memory descriptors for channels-last tensors, and a cache of primitives keyed by
// their geometry (creating a primitive descriptor costs tens of microseconds).
#pragma once

#include <dnnl.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "backend/backend.h"

namespace keras::backend::cpu::onednn {

dnnl::engine& engine();
dnnl::stream& stream();

using dims = dnnl::memory::dims;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

/// Logical dims {N, C, spatial...} of a channels-last tensor described by a geometry.
dims data_dims(const WindowGeometry& g, int64_t channels, bool output);
/// nwc / nhwc / ndhwc.
tag channels_last_tag(int spatial);

/// What every primitive is made with: a user scratchpad. With oneDNN's default (library)
/// scratchpad a primitive's buffer is thread-local memory sized on the thread that
/// created it, so a cached primitive executed from another thread ran past it (a
/// recurrent model crashed predicting from a second thread). `base` keeps its post-ops.
dnnl::primitive_attr attr(dnnl::primitive_attr base = {});

/// Executes `p` on this thread's stream with `args` and a scratchpad of the size `pd`
/// asks for (this thread's, grown as needed), then waits for it.
void execute(const dnnl::primitive& p, const dnnl::primitive_desc_base& pd, std::unordered_map<int, dnnl::memory> args);

/// Wraps a Tensor's memory (no copy).
inline dnnl::memory wrap(const dnnl::memory::desc& md, const Tensor& t) {
  return dnnl::memory(md, engine(), t.raw_data());
}

/// Thread-safe map from a key string to a lazily built, shared entry. An entry builds
/// each of its primitives once, under its own mutex; executing them takes no lock, so
/// concurrent predicts of one geometry run side by side (primitives are immutable, and
/// the scratchpads execute() gives are per thread, as oneDNN's user mode requires).
template <class Entry>
class PrimitiveCache {
 public:
  std::shared_ptr<Entry> get(const std::string& key, const std::function<std::shared_ptr<Entry>()>& make) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = map_.find(key);
    if (it != map_.end()) return it->second;
    if (map_.size() > 4096) map_.clear();  // bound memory if shapes never repeat
    auto e = make();
    map_.emplace(key, e);
    return e;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Entry>> map_;
};

/// A key that identifies a window geometry.
std::string geometry_key(const WindowGeometry& g);

}  // namespace keras::backend::cpu::onednn
