#include "backend/cpu/onednn/common.h"

namespace keras::backend::cpu::onednn {

dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& stream() {
  thread_local dnnl::stream s(engine());
  return s;
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
