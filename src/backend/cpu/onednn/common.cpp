#include "backend/cpu/onednn/common.h"

#include <cstddef>
#include <cstdlib>

namespace keras::backend::cpu::onednn {

dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& stream() {
  thread_local dnnl::stream s(engine());
  return s;
}

dnnl::primitive_attr attr(dnnl::primitive_attr base) {
  base.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return base;
}

void execute(const dnnl::primitive& p, const dnnl::primitive_desc_base& pd,
             std::unordered_map<int, dnnl::memory> args) {
  const dnnl::memory::desc md = pd.scratchpad_desc();
  const size_t bytes = md.get_size();
  if (bytes > 0) {
    // One buffer per thread: a thread runs one primitive at a time, to completion.
    thread_local std::unique_ptr<std::byte, decltype(&std::free)> buffer(nullptr, &std::free);
    thread_local size_t capacity = 0;
    if (bytes > capacity) {
      const size_t rounded = (bytes + 63) / 64 * 64;
      buffer.reset(static_cast<std::byte*>(std::aligned_alloc(64, rounded)));
      if (!buffer) throw std::bad_alloc();
      capacity = rounded;
    }
    args[DNNL_ARG_SCRATCHPAD] = dnnl::memory(md, engine(), buffer.get());
  }
  p.execute(stream(), args);
  stream().wait();
}

dims data_dims(const WindowGeometry& g, int64_t channels, bool output) {
  dims d{g.batch, channels};
  for (int i = 0; i < g.spatial; ++i) d.push_back(output ? g.out[static_cast<size_t>(i)] : g.in[static_cast<size_t>(i)]);
  return d;
}

tag channels_last_tag(int spatial) {
  return spatial == 1 ? tag::nwc : spatial == 2 ? tag::nhwc : tag::ndhwc;
}

std::string geometry_key(const WindowGeometry& g) {
  std::string k = std::to_string(g.spatial) + "|" + std::to_string(g.batch) + "," + std::to_string(g.in_channels) +
                  "," + std::to_string(g.out_channels) + "," + std::to_string(g.groups);
  for (int i = 0; i < g.spatial; ++i) {
    const size_t u = static_cast<size_t>(i);
    for (int64_t v : {g.in[u], g.out[u], g.kernel[u], g.stride[u], g.dilation[u], g.pad_before[u], g.pad_after[u]}) {
      k += ',';
      k += std::to_string(v);
    }
  }
  return k;
}

}  // namespace keras::backend::cpu::onednn
