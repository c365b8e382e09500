// Reference attention: every logit, softmax and product written out in double, one query
// row at a time, the whole row of logits at once (no blocks, no online softmax).
#include <cmath>
#include <vector>

#include "backend/ref/ref_backend.h"
#include "keras/errors.h"

namespace keras::backend::ref {

namespace {

struct RefAttentionWorkspace final : Workspace {
  Tensor query, key, value, mask;
};

/// Element (b, i, h, d) of a (batch, len, heads, dim) tensor.
double at(const Tensor& t, const AttentionGeometry& g, int64_t b, int64_t i, int64_t h, int64_t d, int64_t len,
          int64_t dim) {
  return t.data<float>()[((b * len + i) * g.heads + h) * dim + d];
}

bool kept(const AttentionGeometry& g, const Tensor& mask, int64_t b, int64_t h, int64_t i, int64_t j) {
  if (g.causal && j > i) return false;
  if (!mask.defined()) return true;
  const int64_t mb = mask.dim(0) == 1 ? 0 : b, mh = mask.dim(1) == 1 ? 0 : h;
  return mask.data<float>()[((mb * mask.dim(1) + mh) * g.query_len + i) * g.key_len + j] != 0.f;
}

/// The attention weights of query row i of (b, h).
std::vector<double> weights(const AttentionGeometry& g, const Tensor& q, const Tensor& k, const Tensor& mask, int64_t b,
                            int64_t h, int64_t i) {
  std::vector<double> p(static_cast<size_t>(g.key_len));
  double top = -INFINITY;
  for (int64_t j = 0; j < g.key_len; ++j) {
    double s = 0;
    for (int64_t d = 0; d < g.head_dim; ++d)
      s += at(q, g, b, i, h, d, g.query_len, g.head_dim) * at(k, g, b, j, h, d, g.key_len, g.head_dim);
    p[static_cast<size_t>(j)] = kept(g, mask, b, h, i, j) ? s * g.scale : -1e9;
    top = std::max(top, p[static_cast<size_t>(j)]);
  }
  double total = 0;
  for (double& x : p) total += (x = std::exp(x - top));
  for (double& x : p) x /= total;
  return p;
}

}  // namespace

std::shared_ptr<Workspace> RefBackend::attention_forward(const AttentionGeometry& g, const Tensor& query,
                                                         const Tensor& key, const Tensor& value, const Tensor& mask,
                                                         Tensor& out, bool training) {
  for (int64_t b = 0; b < g.batch; ++b)
    for (int64_t h = 0; h < g.heads; ++h)
      for (int64_t i = 0; i < g.query_len; ++i) {
        const std::vector<double> p = weights(g, query, key, mask, b, h, i);
        for (int64_t e = 0; e < g.value_dim; ++e) {
          double s = 0;
          for (int64_t j = 0; j < g.key_len; ++j)
            s += p[static_cast<size_t>(j)] * at(value, g, b, j, h, e, g.key_len, g.value_dim);
          out.data<float>()[((b * g.query_len + i) * g.heads + h) * g.value_dim + e] = static_cast<float>(s);
        }
      }
  if (!training) return nullptr;
  auto ws = std::make_shared<RefAttentionWorkspace>();
  ws->query = query.detach();
  ws->key = key.detach();
  ws->value = value.detach();
  ws->mask = mask.defined() ? mask.detach() : Tensor();
  return ws;
}

void RefBackend::attention_backward(const AttentionGeometry& g, const Workspace& workspace, const Tensor& dout,
                                    Tensor& dquery, Tensor& dkey, Tensor& dvalue) {
  const auto* ws = dynamic_cast<const RefAttentionWorkspace*>(&workspace);
  if (!ws) throw RuntimeError("attention_backward: needs the workspace of the reference attention_forward");
  const Tensor &q = ws->query, &k = ws->key, &v = ws->value;
  std::vector<double> dq(static_cast<size_t>(dquery.size())), dk(static_cast<size_t>(dkey.size())),
      dv(static_cast<size_t>(dvalue.size()));
  auto qi = [&](int64_t b, int64_t i, int64_t h, int64_t d) {
    return static_cast<size_t>(((b * g.query_len + i) * g.heads + h) * g.head_dim + d);
  };
  auto ki = [&](int64_t b, int64_t j, int64_t h, int64_t d, int64_t dim) {
    return static_cast<size_t>(((b * g.key_len + j) * g.heads + h) * dim + d);
  };
  for (int64_t b = 0; b < g.batch; ++b)
    for (int64_t h = 0; h < g.heads; ++h)
      for (int64_t i = 0; i < g.query_len; ++i) {
        const std::vector<double> p = weights(g, q, k, ws->mask, b, h, i);
        // d out / d weight_j = dout . value_j; through the softmax; none through masked logits.
        std::vector<double> dp(p.size());
        double mean = 0;
        for (int64_t j = 0; j < g.key_len; ++j) {
          double s = 0;
          for (int64_t e = 0; e < g.value_dim; ++e) {
            const double go = dout.data<float>()[((b * g.query_len + i) * g.heads + h) * g.value_dim + e];
            s += go * at(v, g, b, j, h, e, g.key_len, g.value_dim);
            dv[ki(b, j, h, e, g.value_dim)] += p[static_cast<size_t>(j)] * go;
          }
          dp[static_cast<size_t>(j)] = s;
          mean += p[static_cast<size_t>(j)] * s;
        }
        for (int64_t j = 0; j < g.key_len; ++j) {
          if (!kept(g, ws->mask, b, h, i, j)) continue;
          const double dlogit = p[static_cast<size_t>(j)] * (dp[static_cast<size_t>(j)] - mean) * g.scale;
          for (int64_t d = 0; d < g.head_dim; ++d) {
            dq[qi(b, i, h, d)] += dlogit * at(k, g, b, j, h, d, g.key_len, g.head_dim);
            dk[ki(b, j, h, d, g.head_dim)] += dlogit * at(q, g, b, i, h, d, g.query_len, g.head_dim);
          }
        }
      }
  auto store = [](const std::vector<double>& from, Tensor& to) {
    for (size_t n = 0; n < from.size(); ++n) to.data<float>()[n] = static_cast<float>(from[n]);
  };
  store(dq, dquery);
  store(dk, dkey);
  store(dv, dvalue);
}

}  // namespace keras::backend::ref
