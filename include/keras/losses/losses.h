// Losses (keras.losses). A Loss is a small value: a name, the per-sample function
// (y_true, y_pred) -> losses, and a reduction. operator() reduces to a scalar as Keras
// does ("sum_over_batch_size": the mean over all per-sample values), optionally weighted
// by a sample_weight tensor.
//
//   model.compile("adam", "sparse_categorical_crossentropy");
//   model.compile("adam", losses::CategoricalCrossentropy({.from_logits = true}));
#pragma once

#include "keras/losses/hinge.h"
#include "keras/losses/loss.h"
#include "keras/losses/probabilistic.h"
#include "keras/losses/regression.h"
#include "keras/losses/segmentation.h"
