// Fused scaled dot-product attention (FlashAttention's scheme on the CPU): for each
// (batch, head) and block of query rows, the logits of one block of keys at a time go
// through sgemm into a small per-thread buffer, are masked, and enter an online softmax
// (running max and denominator per row) whose weights multiply the value block straight
// away. At most kQueryBlock x kKeyBlock logits exist per thread, whatever the sequence
// length; nothing of size query_len x key_len is ever made. Backward recomputes each
// block's weights from each row's saved max and denominator instead of storing them.
//
// The tensors stay in Keras's (batch, len, heads, dim) layout: a head's rows are read
// and written in place with a leading dimension of heads * dim.
#include <dnnl.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"
#include "keras/errors.h"

namespace keras::backend::cpu {

namespace {

constexpr int64_t kQueryBlock = 64;
constexpr int64_t kKeyBlock = 512;
constexpr float kMaskedLogit = -1e9f;  // what a masked logit becomes (Keras's large negative)

struct CpuAttentionWorkspace final : Workspace {
  Tensor query, key, value, mask, out;
  // (batch, heads, query_len): each row's largest logit and 1 / its softmax denominator,
  // kept apart (max + log(denominator) would round away the log where the max is -1e9).
  std::vector<float> row_max, inv_denom;
};

/// C = alpha op(A) op(B) + beta C, row-major, on the calling thread (inside the kernel's
/// own parallel loop oneDNN does not spread it further).
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  const dnnl_status_t st =
      dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  if (st != dnnl_success) throw RuntimeError(keras::detail::cat("attention: oneDNN sgemm failed with status ", st));
}

/// x[i] = exp(x[i] - shift) for the n logits of a row; returns their sum. A Cody-Waite
/// reduction and a degree-6 polynomial (relative error about 2e-7) that vectorises,
/// unlike std::exp; arguments below -87 give 0.
KERAS_SIMD_CLONES float exp_shifted(float* x, int64_t n, float shift) {
  constexpr float kLog2e = 1.44269504f, kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  float sum = 0.f;
#pragma omp simd reduction(+ : sum)
  for (int64_t i = 0; i < n; ++i) {
    float t = x[i] - shift;
    t = t < -87.f ? -87.f : t > 88.f ? 88.f : t;
    const int ki = static_cast<int>(t * kLog2e + 128.5f) - 128;  // round(t / ln 2); the bias keeps it positive
    const float kf = static_cast<float>(ki);
    const float r = (t - kf * kLn2Hi) - kf * kLn2Lo;
    float p = 1.f / 720;
    p = p * r + 1.f / 120;
    p = p * r + 1.f / 24;
    p = p * r + 1.f / 6;
    p = p * r + 0.5f;
    p = p * r + 1.f;
    p = p * r + 1.f;
    uint32_t bits = static_cast<uint32_t>(ki + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    const float e = t <= -87.f ? 0.f : p * scale;
    x[i] = e;
    sum += e;
  }
  return sum;
}

KERAS_SIMD_CLONES float row_max_of(const float* x, int64_t n) {
  float m = -INFINITY;
#pragma omp simd reduction(max : m)
  for (int64_t i = 0; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m;
}

/// Where (b, h)'s logits are masked: the mask rows of (b, h) (or nullptr) and causality.
struct MaskRows {
  const float* rows = nullptr;  // (query_len, key_len)
  int64_t key_len = 0;
  bool causal = false;

  MaskRows(const AttentionGeometry& g, const Tensor& mask, int64_t b, int64_t h)
      : key_len(g.key_len), causal(g.causal) {
    if (!mask.defined()) return;
    const int64_t mb = mask.dim(0) == 1 ? 0 : b, mh = mask.dim(1) == 1 ? 0 : h;
    rows = mask.data<float>() + (mb * mask.dim(1) + mh) * g.query_len * g.key_len;
  }
  bool any() const { return rows != nullptr || causal; }
  /// Calls f(i, j) for each masked cell of the block at (q0, k0) of qb x kb cells.
  template <class F>
  void each_masked(int64_t q0, int64_t k0, int64_t qb, int64_t kb, F&& f) const {
    for (int64_t i = 0; i < qb; ++i) {
      const float* m = rows ? rows + (q0 + i) * key_len + k0 : nullptr;
      for (int64_t j = 0; j < kb; ++j)
        if ((causal && k0 + j > q0 + i) || (m && m[j] == 0.f)) f(i, j);
    }
  }
  /// With only the causal mask, blocks whose keys all come after the last query row are
  /// skipped (every row keeps key 0, so their weights are exactly 0). With an explicit
  /// mask a row may have every key masked and attend uniformly, so nothing is skipped.
  int64_t keys_needed(int64_t q_end) const { return causal && !rows ? std::min(key_len, q_end) : key_len; }
};

/// Runs f(task) for task in [0, n) across the pool.
template <class F>
void for_each_task(int64_t n, F&& f) {
  parallel_for(n, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) f(t);
  });
}

}  // namespace

std::shared_ptr<Workspace> CpuBackend::attention_forward(const AttentionGeometry& g, const Tensor& query,
                                                         const Tensor& key, const Tensor& value, const Tensor& mask,
                                                         Tensor& out, bool training) {
  const int64_t T = g.query_len, S = g.key_len, N = g.heads, H = g.head_dim, Hv = g.value_dim;
  const int64_t q_blocks = (T + kQueryBlock - 1) / kQueryBlock;
  std::vector<float> saved_max(training ? static_cast<size_t>(g.batch * N * T) : 0), saved_inv(saved_max.size());
  const float *q = query.data<float>(), *k = key.data<float>(), *v = value.data<float>();
  float* o = out.data<float>();
  parallel_for(g.batch * N * q_blocks, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> logits(static_cast<size_t>(kQueryBlock * std::min(S, kKeyBlock)));
    std::vector<float> acc(static_cast<size_t>(kQueryBlock * Hv)), row_max(kQueryBlock), denom(kQueryBlock);
    for (int64_t task = begin; task < end; ++task) {
      const int64_t b = task / (N * q_blocks), h = task / q_blocks % N, q0 = task % q_blocks * kQueryBlock;
      const int64_t qb = std::min(kQueryBlock, T - q0);
      const MaskRows masked(g, mask, b, h);
      const float* qp = q + ((b * T + q0) * N + h) * H;
      std::fill(acc.begin(), acc.end(), 0.f);
      std::fill(row_max.begin(), row_max.end(), -INFINITY);
      std::fill(denom.begin(), denom.end(), 0.f);
      const int64_t keys = masked.keys_needed(q0 + qb);
      for (int64_t k0 = 0; k0 < keys; k0 += kKeyBlock) {
        const int64_t kb = std::min(kKeyBlock, keys - k0);
        gemm(false, true, qb, kb, H, g.scale, qp, N * H, k + ((b * S + k0) * N + h) * H, N * H, 0.f, logits.data(), kb);
        if (masked.any())
          masked.each_masked(q0, k0, qb, kb, [&](int64_t i, int64_t j) { logits[i * kb + j] = kMaskedLogit; });
        for (int64_t i = 0; i < qb; ++i) {
          float* row = logits.data() + i * kb;
          const float top = std::max(row_max[i], row_max_of(row, kb));
          const float rescale = std::exp(row_max[i] - top);  // 0 on the first block (max was -inf)
          denom[i] = denom[i] * rescale + exp_shifted(row, kb, top);
          row_max[i] = top;
          if (rescale != 1.f)
            for (int64_t e = 0; e < Hv; ++e) acc[i * Hv + e] *= rescale;
        }
        gemm(false, false, qb, Hv, kb, 1.f, logits.data(), kb, v + ((b * S + k0) * N + h) * Hv, N * Hv, 1.f, acc.data(),
             Hv);
      }
      for (int64_t i = 0; i < qb; ++i) {
        float* orow = o + ((b * T + q0 + i) * N + h) * Hv;
        const float inv = 1.f / denom[i];
        for (int64_t e = 0; e < Hv; ++e) orow[e] = acc[i * Hv + e] * inv;
        if (training) {
          saved_max[static_cast<size_t>((b * N + h) * T + q0 + i)] = row_max[i];
          saved_inv[static_cast<size_t>((b * N + h) * T + q0 + i)] = inv;
        }
      }
    }
  });
  if (!training) return nullptr;
  auto ws = std::make_shared<CpuAttentionWorkspace>();
  ws->query = query.detach();
  ws->key = key.detach();
  ws->value = value.detach();
  ws->mask = mask.defined() ? mask.detach() : Tensor();
  ws->out = out.detach();
  ws->row_max = std::move(saved_max);
  ws->inv_denom = std::move(saved_inv);
  return ws;
}

void CpuBackend::attention_backward(const AttentionGeometry& g, const Workspace& workspace, const Tensor& dout,
                                    Tensor& dquery, Tensor& dkey, Tensor& dvalue) {
  const auto* ws = dynamic_cast<const CpuAttentionWorkspace*>(&workspace);
  if (!ws) throw RuntimeError("attention_backward: needs the workspace of the CPU attention_forward");
  const int64_t T = g.query_len, S = g.key_len, N = g.heads, H = g.head_dim, Hv = g.value_dim;
  const float *q = ws->query.data<float>(), *k = ws->key.data<float>(), *v = ws->value.data<float>();
  const float *o = ws->out.data<float>(), *dO = dout.data<float>();
  float *dq = dquery.data<float>(), *dk = dkey.data<float>(), *dv = dvalue.data<float>();
  // Each (batch, head) owns its rows of every gradient, so pairs run in parallel unshared.
  for_each_task(g.batch * N, [&](int64_t pair) {
    const int64_t b = pair / N, h = pair % N;
    const MaskRows masked(g, ws->mask, b, h);
    const float *row_max = ws->row_max.data() + pair * T, *inv_denom = ws->inv_denom.data() + pair * T;
    for (int64_t i = 0; i < T; ++i) std::fill_n(dq + ((b * T + i) * N + h) * H, H, 0.f);
    for (int64_t j = 0; j < S; ++j) {
      std::fill_n(dk + ((b * S + j) * N + h) * H, H, 0.f);
      std::fill_n(dv + ((b * S + j) * N + h) * Hv, Hv, 0.f);
    }
    // delta_i = dout_i . out_i = sum_j weight_ij (dout_i . value_j): the softmax's backward term.
    std::vector<float> delta(static_cast<size_t>(T));
    for (int64_t i = 0; i < T; ++i) {
      const float *a = dO + ((b * T + i) * N + h) * Hv, *c = o + ((b * T + i) * N + h) * Hv;
      float s = 0.f;
      for (int64_t e = 0; e < Hv; ++e) s += a[e] * c[e];
      delta[static_cast<size_t>(i)] = s;
    }
    const int64_t kbmax = std::min(S, kKeyBlock);
    std::vector<float> p(static_cast<size_t>(kQueryBlock * kbmax)), dp(p.size());
    for (int64_t q0 = 0; q0 < T; q0 += kQueryBlock) {
      const int64_t qb = std::min(kQueryBlock, T - q0);
      const float* qp = q + ((b * T + q0) * N + h) * H;
      const float* dop = dO + ((b * T + q0) * N + h) * Hv;
      float* dqp = dq + ((b * T + q0) * N + h) * H;
      const int64_t keys = masked.keys_needed(q0 + qb);
      for (int64_t k0 = 0; k0 < keys; k0 += kKeyBlock) {
        const int64_t kb = std::min(kKeyBlock, keys - k0);
        const float* kp = k + ((b * S + k0) * N + h) * H;
        const float* vp = v + ((b * S + k0) * N + h) * Hv;
        // The block's weights, recomputed: exp(logit - max) / denominator.
        gemm(false, true, qb, kb, H, g.scale, qp, N * H, kp, N * H, 0.f, p.data(), kb);
        if (masked.any())
          masked.each_masked(q0, k0, qb, kb, [&](int64_t i, int64_t j) { p[i * kb + j] = kMaskedLogit; });
        for (int64_t i = 0; i < qb; ++i) {
          float* row = p.data() + i * kb;
          exp_shifted(row, kb, row_max[q0 + i]);
          for (int64_t j = 0; j < kb; ++j) row[j] *= inv_denom[q0 + i];
        }
        // dvalue += weights^T dout; dweights = dout value^T.
        gemm(true, false, kb, Hv, qb, 1.f, p.data(), kb, dop, N * Hv, 1.f, dv + ((b * S + k0) * N + h) * Hv, N * Hv);
        gemm(false, true, qb, kb, Hv, 1.f, dop, N * Hv, vp, N * Hv, 0.f, dp.data(), kb);
        // dlogits = weights * (dweights - delta) * scale; nothing flows into a masked logit.
        for (int64_t i = 0; i < qb; ++i) {
          const float d = delta[static_cast<size_t>(q0 + i)];
          float *pr = p.data() + i * kb, *dr = dp.data() + i * kb;
          for (int64_t j = 0; j < kb; ++j) dr[j] = pr[j] * (dr[j] - d) * g.scale;
        }
        if (masked.any()) masked.each_masked(q0, k0, qb, kb, [&](int64_t i, int64_t j) { dp[i * kb + j] = 0.f; });
        // dquery += dlogits key; dkey += dlogits^T query.
        gemm(false, false, qb, H, kb, 1.f, dp.data(), kb, kp, N * H, 1.f, dqp, N * H);
        gemm(true, false, kb, H, qb, 1.f, dp.data(), kb, qp, N * H, 1.f, dk + ((b * S + k0) * N + h) * H, N * H);
      }
    }
  });
}

}  // namespace keras::backend::cpu
