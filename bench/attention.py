#!/usr/bin/python3
"""Attention workloads in this library and in PyTorch, side by side.

Runs build/bench/attention_bench, then the same workloads in PyTorch (Debian's
python3-torch) at every thread count asked for, and prints each time with the ratio
against the fastest PyTorch run (above 1: we are faster). PyTorch runs inference in eval
mode under inference_mode, where TransformerEncoderLayer and MultiheadAttention take
their fused fast path.

  encoder_fwd_bwd_b32_s128  TransformerEncoderLayer(256, 8, 1024, dropout 0, post-norm)
                            on (32, 128, 256): forward, backward
  encoder_infer_b1_s512     the same block, inference on (1, 512, 256)
  encoder_infer_b32_s512    the same block, inference on (32, 512, 256)
  mha_fwd_bwd_b32_s128      MultiheadAttention(256, 8) self-attention on (32, 128, 256)
  mha_infer_b32_s512        the same layer, inference on (32, 512, 256)

Usage: /usr/bin/python3 bench/attention.py [--threads N] [--torch-threads N ...]
"""
import os

import torch
import torch.nn as nn

from bench_common import median_ms, print_times, run_ours, thread_args


class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(256, 8, batch_first=True)

    def forward(self, x):
        return self.mha(x, x, x, need_weights=False)[0]


def fwd_bwd_ms(model, shape):
    model.train()
    x = torch.randn(*shape, requires_grad=True)

    def step():
        model.zero_grad()
        x.grad = None
        model(x).sum().backward()

    return median_ms(step, 2, 10)


def infer_ms(model, shape):
    model.eval()
    x = torch.randn(*shape)

    def step():
        with torch.inference_mode():
            model(x)

    return median_ms(step, 2, 10)


def torch_bench(threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    encoder = nn.TransformerEncoderLayer(256, 8, 1024, dropout=0.0, batch_first=True)
    mha = SelfAttention()
    return {
        "encoder_fwd_bwd_b32_s128": fwd_bwd_ms(encoder, (32, 128, 256)),
        "encoder_infer_b1_s512": infer_ms(encoder, (1, 512, 256)),
        "encoder_infer_b32_s512": infer_ms(encoder, (32, 512, 256)),
        "mha_fwd_bwd_b32_s128": fwd_bwd_ms(mha, (32, 128, 256)),
        "mha_infer_b32_s512": infer_ms(mha, (32, 512, 256)),
    }


KEYS = ("encoder_fwd_bwd_b32_s128", "encoder_infer_b1_s512", "encoder_infer_b32_s512", "mha_fwd_bwd_b32_s128",
        "mha_infer_b32_s512")


def main():
    args = thread_args(__doc__).parse_args()
    print(f"machine: {os.cpu_count()} cores; torch {torch.__version__}; ours with {args.threads} threads (ms, lower is better)",
          flush=True)
    a = run_ours("attention_bench", args.threads)
    print_times(a, {f"torch {tt}t": torch_bench(tt) for tt in (args.torch_threads or [args.threads])}, KEYS)


if __name__ == "__main__":
    main()
