#!/usr/bin/python3
"""Non-recurrent layer workloads in this library and in PyTorch, side by side.

Runs build/bench/layers_bench, then the same workloads in PyTorch (Debian's python3-torch)
in both memory formats (its default, and channels_last) and every thread count asked
for, and prints each time with the ratio against the fastest PyTorch configuration
(above 1: we are faster).

Usage: /usr/bin/python3 bench/layers.py [--threads N] [--torch-threads N ...]
"""
import os

import torch

import torch.nn as nn

from bench_common import median_ms, print_times, run_ours, thread_args





def torch_bench(threads, channels_last):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {}
    fmt4 = torch.channels_last if channels_last else torch.contiguous_format
    fmt5 = torch.channels_last_3d if channels_last else torch.contiguous_format

    block = nn.Sequential(nn.Conv2d(32, 32, 3, padding=1, groups=32, bias=False), nn.BatchNorm2d(32, eps=1e-3, momentum=0.01),
                          nn.ReLU6(), nn.Conv2d(32, 64, 1)).to(memory_format=fmt4)
    opt = torch.optim.SGD(block.parameters(), lr=0.01)
    x = torch.randn(32, 32, 64, 64).contiguous(memory_format=fmt4)
    y = torch.zeros(32, 64, 64, 64).contiguous(memory_format=fmt4)

    def block_step():
        opt.zero_grad()
        loss = nn.functional.mse_loss(block(x), y)
        loss.backward()
        opt.step()

    out["depthwise_block_train_step"] = median_ms(block_step, 2, 10)

    conv1 = nn.Conv1d(64, 64, 5, padding=2)
    x1 = torch.randn(32, 64, 1000, requires_grad=True)

    def conv1_step():
        conv1.zero_grad()
        x1.grad = None
        conv1(x1).sum().backward()

    out["conv1d_fwd_bwd"] = median_ms(conv1_step, 2, 10)

    conv3 = nn.Conv3d(16, 32, 3, padding=1).to(memory_format=fmt5)
    x3 = torch.randn(8, 16, 16, 32, 32).contiguous(memory_format=fmt5).requires_grad_(True)

    def conv3_step():
        conv3.zero_grad()
        x3.grad = None
        conv3(x3).sum().backward()

    out["conv3d_fwd_bwd"] = median_ms(conv3_step, 2, 5)

    stack = nn.Sequential(*[m for _ in range(3) for m in (nn.Conv2d(256, 256, 3, padding=1), nn.ReLU())])
    stack = stack.to(memory_format=fmt4).eval()
    xs = torch.randn(1, 256, 14, 14).contiguous(memory_format=fmt4)

    def stack_predict():
        with torch.no_grad():
            stack(xs)

    out["conv_stack_predict_b1"] = median_ms(stack_predict, 3, 30)
    return out


def ours(threads):
    return run_ours("layers_bench", threads)


KEYS = ("depthwise_block_train_step", "conv1d_fwd_bwd", "conv3d_fwd_bwd", "conv_stack_predict_b1")


def main():
    args = thread_args(__doc__).parse_args()
    print(f"machine: {os.cpu_count()} cores; torch {torch.__version__}; ours with {args.threads} threads (ms, lower is better)",
          flush=True)
    a = ours(args.threads)
    runs = {}
    for tt in args.torch_threads or [args.threads]:
        for cl in (False, True):
            runs[f"torch {'channels_last' if cl else 'default'} {tt}t"] = torch_bench(tt, cl)
    print_times(a, runs, KEYS)


if __name__ == "__main__":
    main()
