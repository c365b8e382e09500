// The whole public API in one include (like torch/torch.h):
//
//   #include <keras/keras.h>
//   using namespace keras;
//   Sequential model({layers::Dense(64, "relu", {.input_shape = Shape{784}}), layers::Dense(10, "softmax")});
#pragma once

#include "keras/activations/activations.h"
#include "keras/autograd/gradient_tape.h"
#include "keras/callbacks/callback.h"
#include "keras/callbacks/early_stopping.h"
#include "keras/callbacks/progbar_logger.h"
#include "keras/config/config.h"
#include "keras/datasets/fashion_mnist.h"
#include "keras/errors.h"
#include "keras/initializers/initializers.h"
#include "keras/layers/activations/activation.h"
#include "keras/layers/convolutional/conv2d.h"
#include "keras/layers/core/dense.h"
#include "keras/layers/core/input_layer.h"
#include "keras/layers/layer.h"
#include "keras/layers/pooling/max_pooling2d.h"
#include "keras/layers/regularization/dropout.h"
#include "keras/layers/reshaping/flatten.h"
#include "keras/losses/losses.h"
#include "keras/metrics/metrics.h"
#include "keras/models/model.h"
#include "keras/models/sequential.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"
#include "keras/optimizers/optimizer.h"
#include "keras/random/random.h"
#include "keras/tensor/npy.h"
#include "keras/tensor/tensor.h"
#include "keras/utils/file_utils.h"
#include "keras/utils/progbar.h"
#include "keras/utils/utils.h"
#include "keras/variables/variable.h"
