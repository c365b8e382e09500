// keras.ops.einsum as a composition of differentiable ops (transpose, reshape, sum,
// broadcast_to, matmul): each pair of operands becomes one batched matrix product, the
// way opt_einsum and NumPy's tensordot path reduce a contraction to GEMM.
#include "keras/ops/einsum.h"

#include <algorithm>
#include <map>

#include "keras/errors.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::ops {

using keras::detail::cat;

namespace {

// Labels as ints: letters are 0..51; the axes "..." covers are kEllipsis + k, counted
// from the right of the ellipsis, so ellipses of different lengths line up on the right.
constexpr int kEllipsis = 1000;
using Labels = std::vector<int>;

[[noreturn]] void bad(const std::string& equation, const std::string& why) {
  throw ValueError(cat("einsum: invalid equation '", equation, "': ", why));
}

int letter_label(char c) { return c >= 'a' && c <= 'z' ? c - 'a' : (c >= 'A' && c <= 'Z' ? 26 + c - 'A' : -1); }

/// The labels of one term for an operand of rank `rank` (or, for the output, rank < 0:
/// the ellipsis takes `ellipsis_len` axes).
Labels parse_term(const std::string& eq, const std::string& term, int64_t rank, int64_t ellipsis_len) {
  const size_t dots = term.find("...");
  if (dots != std::string::npos && term.find("...", dots + 3) != std::string::npos) bad(eq, "two ellipses in one term");
  const std::string head = dots == std::string::npos ? term : term.substr(0, dots);
  const std::string tail = dots == std::string::npos ? "" : term.substr(dots + 3);
  Labels out;
  auto letters = [&](const std::string& s) {
    for (char c : s) {
      const int l = letter_label(c);
      if (l < 0) bad(eq, cat("'", c, "' is not a letter"));
      out.push_back(l);
    }
  };
  letters(head);
  const int64_t named = static_cast<int64_t>(head.size() + tail.size());
  if (dots == std::string::npos) {
    if (rank >= 0 && rank != named)
      bad(eq, cat("term '", term, "' names ", named, " axes but its operand has rank ", rank));
  } else {
    const int64_t n = rank >= 0 ? rank - named : ellipsis_len;
    if (n < 0) bad(eq, cat("term '", term, "' names ", named, " axes but its operand has rank ", rank));
    for (int64_t k = n - 1; k >= 0; --k) out.push_back(kEllipsis + static_cast<int>(k));
  }
  letters(tail);
  for (size_t i = 0; i < out.size(); ++i)
    for (size_t j = i + 1; j < out.size(); ++j)
      if (out[i] == out[j]) bad(eq, cat("a label repeated within term '", term, "' (a diagonal) is not supported"));
  return out;
}

bool has(const Labels& ls, int l) { return std::find(ls.begin(), ls.end(), l) != ls.end(); }

int64_t index_of(const Labels& ls, int l) {
  return static_cast<int64_t>(std::find(ls.begin(), ls.end(), l) - ls.begin());
}

/// x (axes labelled `from`) with its axes in the order `to` (a permutation of `from`).
Tensor permute(const Tensor& x, const Labels& from, const Labels& to) {
  std::vector<int64_t> perm;
  bool identity = true;
  for (size_t i = 0; i < to.size(); ++i) {
    perm.push_back(index_of(from, to[i]));
    identity &= perm.back() == static_cast<int64_t>(i);
  }
  return identity ? x : ops::transpose(x, perm);
}

/// Sums away the axes of x whose labels are not in `keep`.
Tensor sum_unneeded(const Tensor& x, Labels& labels, const Labels& keep) {
  std::vector<int64_t> axes;
  Labels rest;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (has(keep, labels[i])) rest.push_back(labels[i]);
    else axes.push_back(static_cast<int64_t>(i));
  }
  if (axes.empty()) return x;
  labels = rest;
  return ops::sum(x, axes);
}

int64_t product(const Tensor& x, const Labels& labels, const Labels& which) {
  int64_t p = 1;
  for (int l : which) p *= x.dim(index_of(labels, l));
  return p;
}

/// a (labels la) contracted with b (labels lb) into a tensor labelled `out`.
Tensor contract(const std::string& eq, Tensor a, Labels la, Tensor b, Labels lb, const Labels& out) {
  // The product comes out as (batch, a's kept axes, b's kept axes): when the output wants
  // b's first, swap the operands and save a transpose of the result.
  auto first_kept = [&](const Labels& x, const Labels& y) {
    for (int l : x)
      if (!has(y, l) && has(out, l)) return index_of(out, l);
    return int64_t{-1};
  };
  const int64_t ka = first_kept(la, lb), kb = first_kept(lb, la);
  if (ka >= 0 && kb >= 0 && kb < ka) {
    std::swap(a, b);
    std::swap(la, lb);
  }
  Labels keep_a = out, keep_b = out;
  keep_a.insert(keep_a.end(), lb.begin(), lb.end());
  keep_b.insert(keep_b.end(), la.begin(), la.end());
  a = sum_unneeded(a, la, keep_a);
  b = sum_unneeded(b, lb, keep_b);
  // Shared axes of size 1 on one side broadcast to the other's size (ellipsis axes).
  Shape sa = a.shape(), sb = b.shape();
  for (size_t i = 0; i < la.size(); ++i) {
    if (!has(lb, la[i])) continue;
    const size_t j = static_cast<size_t>(index_of(lb, la[i]));
    if (sa[i] == sb[j]) continue;
    if (sa[i] != 1 && sb[j] != 1)
      bad(eq, cat("an axis has size ", sa[i], " in one operand and ", sb[j], " in another"));
    (sa[i] == 1 ? sa[i] : sb[j]) = std::max(sa[i], sb[j]);
  }
  if (sa != a.shape()) a = ops::broadcast_to(a, sa);
  if (sb != b.shape()) b = ops::broadcast_to(b, sb);

  Labels batch, summed, only_a, only_b;
  for (int l : out)
    if (has(la, l) && has(lb, l)) batch.push_back(l);
  for (int l : la) {
    if (has(lb, l) && !has(out, l)) summed.push_back(l);
    else if (!has(lb, l)) only_a.push_back(l);
  }
  for (int l : lb)
    if (!has(la, l)) only_b.push_back(l);
  Labels pa = batch, pb = batch;
  pa.insert(pa.end(), only_a.begin(), only_a.end());
  pa.insert(pa.end(), summed.begin(), summed.end());
  pb.insert(pb.end(), summed.begin(), summed.end());
  pb.insert(pb.end(), only_b.begin(), only_b.end());
  const int64_t nb = product(a, la, batch), m = product(a, la, only_a), k = product(a, la, summed),
                n = product(b, lb, only_b);
  Shape result;
  for (int l : batch) result.push_back(a.dim(index_of(la, l)));
  for (int l : only_a) result.push_back(a.dim(index_of(la, l)));
  for (int l : only_b) result.push_back(b.dim(index_of(lb, l)));
  a = permute(a, la, pa);
  b = permute(b, lb, pb);
  Tensor y;
  if (nb == 1) y = ops::matmul(ops::reshape(a, Shape{m, k}), ops::reshape(b, Shape{k, n}));
  else y = ops::matmul(ops::reshape(a, Shape{nb, m, k}), ops::reshape(b, Shape{nb, k, n}));
  y = ops::reshape(y, result);
  Labels ly = batch;
  ly.insert(ly.end(), only_a.begin(), only_a.end());
  ly.insert(ly.end(), only_b.begin(), only_b.end());
  return permute(y, ly, out);
}

}  // namespace

Tensor einsum(const std::string& equation, const TensorList& operands) {
  std::string eq;
  for (char c : equation)
    if (c != ' ') eq += c;
  if (operands.empty()) bad(equation, "no operands");
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  for (size_t start = 0;;) {
    const size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() != operands.size())
    bad(equation, cat("it has ", terms.size(), " input terms but ", operands.size(), " operands were given"));
  std::vector<Labels> in;
  int64_t ellipsis_len = 0;
  std::map<int, int64_t> sizes;
  for (size_t i = 0; i < terms.size(); ++i) {
    if (!operands[i].defined()) bad(equation, cat("operand ", i, " is undefined"));
    in.push_back(parse_term(equation, terms[i], operands[i].rank(), 0));
    for (size_t j = 0; j < in[i].size(); ++j) {
      const int l = in[i][j];
      const int64_t d = operands[i].dim(static_cast<int64_t>(j));
      if (l >= kEllipsis) {
        ellipsis_len = std::max<int64_t>(ellipsis_len, l - kEllipsis + 1);
        continue;
      }
      auto [it, fresh] = sizes.emplace(l, d);
      if (!fresh && it->second != d)
        bad(equation, cat("label '", static_cast<char>(l < 26 ? 'a' + l : 'A' + l - 26), "' has size ", it->second,
                          " and ", d, " (operand shapes ", operands[0].shape().to_string(),
                          operands.size() > 1 ? ", " + operands[1].shape().to_string() : std::string(), ")"));
    }
  }
  Labels out;
  if (arrow != std::string::npos) {
    out = parse_term(equation, eq.substr(arrow + 2), -1, ellipsis_len);
    for (int l : out) {
      bool found = false;
      for (const auto& t : in) found |= has(t, l);
      if (!found && l < kEllipsis) bad(equation, "an output label appears in no input term");
    }
  } else {  // implicit output: the ellipsis, then the labels used once, in alphabetical order
    for (int64_t k = ellipsis_len - 1; k >= 0; --k) out.push_back(kEllipsis + static_cast<int>(k));
    std::map<int, int> counts;
    for (const auto& t : in)
      for (int l : t) ++counts[l];
    for (const auto& [l, n] : counts)
      if (n == 1 && l < kEllipsis) out.push_back(l);
  }
  // Ellipsis axes absent from every operand (a shorter ellipsis) cannot be produced.
  for (int l : out) {
    bool found = false;
    for (const auto& t : in) found |= has(t, l);
    if (!found) bad(equation, "the output has more ellipsis axes than any operand");
  }

  Tensor cur = operands[0];
  Labels lc = in[0];
  for (size_t i = 1; i < operands.size(); ++i) {
    Labels target;
    auto needed = [&](int l) {
      if (has(out, l)) return true;
      for (size_t j = i + 1; j < in.size(); ++j)
        if (has(in[j], l)) return true;
      return false;
    };
    if (i + 1 == operands.size()) {
      target = out;
    } else {
      for (const Labels* ls : {&lc, &in[i]})
        for (int l : *ls)
          if (needed(l) && !has(target, l)) target.push_back(l);
    }
    cur = contract(equation, cur, lc, operands[i], in[i], target);
    lc = target;
  }
  if (operands.size() == 1) {
    cur = sum_unneeded(cur, lc, out);
    cur = permute(cur, lc, out);
  }
  return cur;
}

}  // namespace keras::ops
