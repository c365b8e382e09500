#include "keras/utils/sequence_utils.h"

#include <algorithm>

#include "keras/errors.h"

namespace keras::utils {

using keras::detail::cat;

Tensor pad_sequences(const std::vector<std::vector<double>>& sequences, PadSequencesOptions o) {
  for (const auto* arg : {&o.padding, &o.truncating})
    if (*arg != "pre" && *arg != "post")
      throw ValueError(cat("pad_sequences: ", arg == &o.padding ? "padding" : "truncating", " \"", *arg,
                           "\" is not understood; use \"pre\" or \"post\""));
  if (o.maxlen && *o.maxlen < 0) throw ValueError(cat("pad_sequences: maxlen must be >= 0, got ", *o.maxlen));
  int64_t longest = 0;
  for (const auto& s : sequences) longest = std::max(longest, static_cast<int64_t>(s.size()));
  const int64_t maxlen = o.maxlen.value_or(longest);
  const auto n = static_cast<int64_t>(sequences.size());
  std::vector<double> out(static_cast<size_t>(n * maxlen), o.value);
  for (int64_t i = 0; i < n; ++i) {
    const auto& s = sequences[static_cast<size_t>(i)];
    const int64_t len = std::min(maxlen, static_cast<int64_t>(s.size()));
    // The kept part: the last `len` values when truncating "pre", the first otherwise.
    const auto first = s.begin() + (o.truncating == "pre" ? static_cast<int64_t>(s.size()) - len : 0);
    double* row = out.data() + i * maxlen;
    std::copy(first, first + len, row + (o.padding == "pre" ? maxlen - len : 0));
  }
  return Tensor::from_vector(out, Shape{n, maxlen}).astype(o.dtype);
}

}  // namespace keras::utils
