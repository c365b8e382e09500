// Whole-sequence recurrent kernels (what keras's backends call lstm() / gru() for cuDNN).
// The recurrent layers use them for unmasked sequences; the per-step path on ordinary
// ops computes the same numbers and is the reference.
#pragma once

#include "keras/backend/recurrence_kind.h"
#include "keras/tensor/tensor.h"

namespace keras::ops {

/// The recurrences the fused kernels run (declared beside the backend table; kept here
/// under its old name so every `ops::RecurrenceKind` still compiles).
using keras::RecurrenceKind;

/// Runs x (batch, time, features) through a recurrent cell of the given kind.
///   states            {h0} or, for LSTM, {h0, c0}: (batch, units) each;
///   kernel            (features, gates * units), Keras's layout and gate order;
///   recurrent_kernel  (units, gates * units);
///   bias              the fused layout: (gates * units), GRU (4 * units) as
///                     [b_z, b_r, b_h(input), b_h(recurrent)];
///   reverse           process from the last step to the first (go_backwards).
/// Returns {sequence (batch, time, units) in processing order, h_T[, c_T]}. Differentiable
/// in every tensor argument.
TensorList fused_recurrence(RecurrenceKind kind, const Tensor& x, const TensorList& states, const Tensor& kernel,
                            const Tensor& recurrent_kernel, const Tensor& bias, bool reverse);

/// Whether the backend of `device` has fused recurrent kernels.
bool has_fused_recurrence(Device device);

}  // namespace keras::ops
