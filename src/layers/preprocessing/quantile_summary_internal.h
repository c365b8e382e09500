// The approximate quantiles Keras's Discretization.adapt computes
// (keras/src/layers/preprocessing/discretization.py: summarize, merge_summaries,
// compress_summary, get_bin_boundaries), step for step and in the same precisions:
// float32 summaries, float64 interpolation (np.interp).
#pragma once

#include <cstdint>
#include <vector>

namespace keras::layers::detail {

/// Keras's summary: column j is (value, weight), sorted by value; float32 as Keras keeps it.
struct QuantileSummary {
  std::vector<float> values, weights;
};

/// Discretization.update_state: summarizes one batch (every value of it) and merges it
/// into `running`, compressed to about 1/epsilon points.
QuantileSummary update_summary(std::vector<float> batch, const QuantileSummary& running, double epsilon);

/// get_bin_boundaries: the summary compressed to num_bins points, the last one dropped.
std::vector<double> bin_boundaries(const QuantileSummary& summary, int64_t num_bins);

}  // namespace keras::layers::detail
